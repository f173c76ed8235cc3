// Command k8s-sandbox is the sandbox's Kubernetes in one binary: every component the sandbox runs,
// linked once (the old hyperkube shape), chosen by the first argument or by the name it is called by.
// Building one binary instead of six shares the compile and the link of the packages they have in common.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	_ "time/tzdata" // CronJob time zones, as kube-apiserver and kube-controller-manager ship them

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var components = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kube-proxy":              proxy.NewProxyCommand,
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
}

func main() {
	name, args := filepath.Base(os.Args[0]), os.Args[1:]
	if !known(name) && len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "pki":
		exitOn(runPKI(args))
	case "remove-pods":
		exitOn(runRemovePods(args))
	case "sandbox-registry-credential-provider":
		exitOn(runCredentialProvider(os.Stdin, os.Stdout))
	case "etcd":
		etcdmain.Main(append([]string{"etcd"}, args...))
	case "kubectl":
		runKubectl(args)
	default:
		newCommand, ok := components[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "usage: k8s-sandbox COMPONENT [FLAGS]; COMPONENT is one of %v\n", names())
			os.Exit(2)
		}
		command := newCommand()
		command.SetArgs(args)
		os.Exit(cli.Run(command))
	}
}

func runKubectl(args []string) {
	// kubectl reads its verbosity and plugins from os.Args: show it the arguments it would see alone.
	os.Args = append([]string{"kubectl"}, args...)
	command := kubectl.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		kubectlutil.CheckErr(err)
	}
}

func known(name string) bool {
	_, ok := components[name]
	return ok || name == "etcd" || name == "kubectl" || name == "sandbox-registry-credential-provider"
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func names() []string {
	list := []string{"etcd", "kubectl", "pki", "remove-pods", "sandbox-registry-credential-provider"}
	for name := range components {
		list = append(list, name)
	}
	sort.Strings(list)
	return list
}
