package plugins

import (
	"kubelab/cluster/scheduler/framework"
	"kubelab/cluster/scheduler/plugins/defaultbinder"
	"kubelab/cluster/scheduler/plugins/defaultpreemption"
	"kubelab/cluster/scheduler/plugins/imagelocality"
	"kubelab/cluster/scheduler/plugins/interpodaffinity"
	"kubelab/cluster/scheduler/plugins/nodeaffinity"
	"kubelab/cluster/scheduler/plugins/nodename"
	"kubelab/cluster/scheduler/plugins/nodeports"
	"kubelab/cluster/scheduler/plugins/noderesources"
	"kubelab/cluster/scheduler/plugins/nodeunschedulable"
	"kubelab/cluster/scheduler/plugins/tainttoleration"
)

// NewInTreeRegistry returns every plugin kubelab has, by in-tree name.
func NewInTreeRegistry() framework.Registry {
	return framework.Registry{
		nodename.Name:                        nodename.New,
		nodeunschedulable.Name:               nodeunschedulable.New,
		tainttoleration.Name:                 tainttoleration.New,
		nodeaffinity.Name:                    nodeaffinity.New,
		nodeports.Name:                       nodeports.New,
		noderesources.FitName:                noderesources.NewFit,
		interpodaffinity.Name:                interpodaffinity.New,
		defaultpreemption.Name:               defaultpreemption.New,
		noderesources.BalancedAllocationName: noderesources.NewBalancedAllocation,
		imagelocality.Name:                   imagelocality.New,
		defaultbinder.Name:                   defaultbinder.New,
	}
}

// DefaultProfile is the default-scheduler profile: upstream's multiPoint
// order, which is also the order Filter runs in, with upstream's weights.
func DefaultProfile() []framework.PluginConfig {
	return []framework.PluginConfig{
		{Name: nodename.Name},
		{Name: nodeunschedulable.Name},
		{Name: tainttoleration.Name, Weight: 3},
		{Name: nodeaffinity.Name, Weight: 2},
		{Name: nodeports.Name},
		{Name: noderesources.FitName, Weight: 1},
		{Name: interpodaffinity.Name, Weight: 2},
		{Name: defaultpreemption.Name},
		{Name: noderesources.BalancedAllocationName, Weight: 1},
		{Name: imagelocality.Name, Weight: 1},
		{Name: defaultbinder.Name},
	}
}
