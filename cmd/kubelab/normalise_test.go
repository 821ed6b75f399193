package main

import (
	"strings"
	"testing"
)

// TestNormalise checks the normaliser rewrites what changes between runs and
// keeps everything a cluster decides.
func TestNormalise(t *testing.T) {
	n := &normaliser{server: "127.0.0.1:34567", paths: []string{"/tmp/TestKubectl123/001/work", "/tmp/TestKubectl123/001"}}
	tests := []struct {
		name, in, want string
	}{
		{
			name: "server address and temp dirs",
			in:   "The connection to the server 127.0.0.1:34567 was refused\nerror parsing /tmp/TestKubectl123/001/work/x.yaml",
			want: "The connection to the server <server> was refused\nerror parsing <dir>/x.yaml",
		},
		{
			name: "uids are numbered in order of appearance, so a repeated uid stays recognisable",
			in:   "uid: 0b5e58f4-5f5e-4c8e-9f43-2d1f1c6b7a10\nowner: 9d5e58f4-5f5e-4c8e-9f43-2d1f1c6b7a11\nagain: 0b5e58f4-5f5e-4c8e-9f43-2d1f1c6b7a10",
			want: "uid: <uid-1>\nowner: <uid-2>\nagain: <uid-1>",
		},
		{
			name: "resourceVersion in YAML and JSON, generation kept",
			in:   "  generation: 3\n  resourceVersion: \"412\"\n        \"resourceVersion\": \"413\",",
			want: "  generation: 3\n  resourceVersion: \"<rv>\"\n        \"resourceVersion\": \"<rv>\",",
		},
		{
			name: "timestamps in every format kubectl prints",
			in:   "creationTimestamp: \"2026-11-23T12:48:10Z\"\nCreationTimestamp:  Mon, 23 Nov 2026 12:48:10 +0000\n--- a\t2026-11-23 12:48:10.123456789 +0000",
			want: "creationTimestamp: \"<time>\"\nCreationTimestamp:  <time>\n--- a\t<time>",
		},
		{
			name: "ages only in the AGE column; other cells and columns kept",
			in:   "NAME    READY   STATUS    RESTARTS   AGE   IP\nnginx   0/1     Pending   0          12s   <none>\nweb     0/3     Pending   0          3m2s  <none>\n\nNAME   DATA   AGE\n30s    1      2d",
			want: "NAME  READY  STATUS  RESTARTS  AGE  IP\nnginx  0/1  Pending  0  <age>  <none>\nweb  0/3  Pending  0  <age>  <none>\n\nNAME  DATA  AGE\n30s  1  <age>",
		},
		{
			name: "LAST SEEN of events",
			in:   "LAST SEEN   TYPE      REASON\n326d        Warning   BackupChecked",
			want: "LAST SEEN  TYPE  REASON\n<age>  Warning  BackupChecked",
		},
		{
			name: "allocated ClusterIPs, not the kubernetes Service's",
			in:   "kubernetes   ClusterIP   10.96.0.1      <none>\nweb          ClusterIP   10.104.12.7    <none>\nexternal 10.200.0.1",
			want: "kubernetes  ClusterIP  10.96.0.1  <none>\nweb  ClusterIP  <cluster-ip>  <none>\nexternal 10.200.0.1",
		},
		{
			name: "generated volume suffix",
			in:   "      name: kube-api-access-x7k2q",
			want: "      name: kube-api-access-<suffix>",
		},
		{
			name: "indentation kept",
			in:   "spec:\n  containers:\n  - image: nginx:1.27",
			want: "spec:\n  containers:\n  - image: nginx:1.27",
		},
		{
			name: "described data in key order",
			in:   "Data\n====\nlog_level:\n----\ninfo\n\nindex.html:\n----\n<h1>x</h1>\n\n\n\nBinaryData\n====\n",
			want: "Data\n====\nindex.html:\n----\n<h1>x</h1>\n\n\nlog_level:\n----\ninfo\n\n\nBinaryData\n====\n",
		},
		{
			name: "a value's trailing newline stays with its key",
			in:   "Data\n====\nb:\n----\nno newline\n\na:\n----\nnewline\n\n\n\nBinaryData",
			want: "Data\n====\na:\n----\nnewline\n\n\nb:\n----\nno newline\n\n\nBinaryData",
		},
		{
			name: "described secret data in key order",
			in:   "Data\n====\nusername:  5 bytes\npassword:  6 bytes\n",
			want: "Data\n====\npassword:  6 bytes\nusername:  5 bytes\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.normalise(tt.in); got != tt.want {
				t.Errorf("normalise:\n%s\ngot:\n%s\nwant:\n%s", tt.in, got, tt.want)
			}
		})
	}
}

func TestQuoteArgs(t *testing.T) {
	got := quoteArgs([]string{"get", "pods", "-o", `jsonpath={.a}{"\n"}`, "it's"})
	want := `get pods -o 'jsonpath={.a}{"\n"}' 'it'\''s'`
	if got != want {
		t.Errorf("quoteArgs = %s, want %s", got, want)
	}
	if strings.Contains(quoteArgs([]string{"plain"}), "'") {
		t.Error("a plain word is quoted")
	}
}
