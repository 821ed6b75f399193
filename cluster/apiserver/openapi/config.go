package openapi

import (
	genericapiserver "k8s.io/apiserver/pkg/server"
	utilopenapi "k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/kube-openapi/pkg/common"
)

// infoTitle and infoVersion are what kube-apiserver v1.37.2 publishes in info: BuildGenericConfig
// sets the title, and the generic server's Complete fills the version from the binary
// version with any pre-release suffix cut off.
const (
	infoTitle   = "Kubernetes"
	infoVersion = "v1.37.2"
)

// GetDefinitions returns the OpenAPI definitions of every type kubelab serves, keyed by
// model name (io.k8s.api.core.v1.Pod), with references made by ref.
func GetDefinitions(ref common.ReferenceCallback) map[string]common.OpenAPIDefinition {
	return GetOpenAPIDefinitions(ref)
}

// Config returns the OpenAPI v2 config for the generic apiserver (served at /openapi/v2),
// built as kube-apiserver builds it: genericapiserver.DefaultOpenAPIConfig over the
// definitions with fields of disabled features removed, named by a definition namer.
func Config() *common.Config {
	cfg := genericapiserver.DefaultOpenAPIConfig(definitions(), newNamer())
	cfg.Info.Title = infoTitle
	cfg.Info.Version = infoVersion
	return cfg
}

// V3Config returns the OpenAPI v3 config for the generic apiserver (served under
// /openapi/v3, and the source of server-side apply's type converter), built as
// kube-apiserver builds it.
func V3Config() *common.OpenAPIV3Config {
	cfg := genericapiserver.DefaultOpenAPIV3Config(definitions(), newNamer())
	cfg.Info.Title = infoTitle
	cfg.Info.Version = infoVersion
	return cfg
}

// definitions wraps GetDefinitions the way BuildGenericConfig does, so that a feature
// gate that is off (OpenAPIEnums) takes its changes back out of the schemas.
func definitions() common.GetOpenAPIDefinitions {
	return utilopenapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(GetDefinitions)
}
