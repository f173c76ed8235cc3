package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace/noop"
	criclient "k8s.io/cri-client/pkg"
)

// runRemovePods stops and removes every pod sandbox the runtime holds, through the CRI as the kubelet
// would: the runtime tears down each pod's network (CNI DEL), mounts and containers. The sandbox's
// `down` runs it once the kubelet has stopped, so that nothing of a pod outlives the cluster.
func runRemovePods(args []string) error {
	flags := flag.NewFlagSet("remove-pods", flag.ContinueOnError)
	endpoint := flags.String("runtime-endpoint", "", "the CRI socket, unix:///…")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" {
		return fmt.Errorf("remove-pods: --runtime-endpoint is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	runtime, err := criclient.NewRemoteRuntimeService(ctx, *endpoint, 10*time.Second, noop.NewTracerProvider(), false)
	if err != nil {
		return err
	}
	pods, err := runtime.ListPodSandbox(ctx, nil)
	if err != nil {
		return err
	}
	for _, pod := range pods {
		if err := runtime.StopPodSandbox(ctx, pod.Id); err != nil {
			return fmt.Errorf("stopping pod %s/%s: %w", pod.Metadata.Namespace, pod.Metadata.Name, err)
		}
		if err := runtime.RemovePodSandbox(ctx, pod.Id); err != nil {
			return fmt.Errorf("removing pod %s/%s: %w", pod.Metadata.Namespace, pod.Metadata.Name, err)
		}
	}
	fmt.Printf("removed %d pods\n", len(pods))
	return nil
}
