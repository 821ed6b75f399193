package openapi

import (
	restful "github.com/emicklei/go-restful/v3"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/mux"
	utilopenapi "k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/kube-openapi/pkg/builder"
	"k8s.io/kube-openapi/pkg/cached"
	"k8s.io/kube-openapi/pkg/common"
	"k8s.io/kube-openapi/pkg/common/restfuladapter"
	"k8s.io/kube-openapi/pkg/handler"
	"k8s.io/kube-openapi/pkg/validation/spec"
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

// InstallV2Lazily serves /openapi/v2 as the generic server does, except
// that the spec is built on its first request instead of at startup.
// Building the v2 spec of every served route is most of what starting the
// generic apiserver costs, and only `kubectl` paths that predate OpenAPI v3
// ask for it; kube-apiserver pays it at boot, kubelab when it is asked.
// The generic server must be built with no v2 config for this to be the
// only handler (see apiserver.build).
func InstallV2Lazily(cfg *common.Config, container *restful.Container, mux *mux.PathRecorderMux) {
	build := func() (*spec.Swagger, string, error) {
		swagger, err := builder.BuildOpenAPISpecFromRoutes(restfuladapter.AdaptWebServices(container.RegisteredWebServices()), cfg)
		if err != nil {
			return nil, "", err
		}
		swagger.Definitions = handler.PruneDefaults(swagger.Definitions)
		return swagger, "v2", nil
	}
	handler.NewOpenAPIServiceLazy(cached.Once(cached.Func(build))).RegisterOpenAPIVersionedService("/openapi/v2", mux)
}
