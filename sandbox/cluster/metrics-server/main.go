// Command metrics-server is sigs.k8s.io/metrics-server as released: a module of its own, so that it builds
// with the Kubernetes libraries its release pins rather than the sandbox cluster's newer ones (its
// generated OpenAPI definitions do not match those).
package main

import (
	"os"

	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/component-base/logs"
	"sigs.k8s.io/metrics-server/cmd/metrics-server/app"
)

func main() {
	logs.InitLogs()
	defer logs.FlushLogs()
	if err := app.NewMetricsServerCommand(genericapiserver.SetupSignalHandler()).Execute(); err != nil {
		logs.FlushLogs()
		os.Exit(1)
	}
}
