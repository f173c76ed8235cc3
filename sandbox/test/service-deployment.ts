/**
 * The metrics API as a Deployment for tests on the sandbox's cluster: k8s/base's probes, drain and
 * security context, with the drain scaled down (preStop 2 s, SHUTDOWN_GRACE_SECONDS 5 s) so rollouts are quick.
 */
export function serviceDeployment(namespace: string, image: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'metrics-api', namespace, labels: { 'app.kubernetes.io/name': 'metrics-api' } },
    spec: {
      replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 120,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'metrics-api' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'metrics-api' } },
        spec: {
          // As k8s/base, scaled down for a test: preStop 2 s + the service's drain 5 s + margin.
          terminationGracePeriodSeconds: 10,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'metrics-api',
              image,
              // Every pod pulls from the registry, with the node's credentials, as on the cluster.
              imagePullPolicy: 'Always',
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
              env: [
                { name: 'SHUTDOWN_GRACE_SECONDS', value: '5' },
                { name: 'LATENCY_TARGETS', value: '' },
              ],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              readinessProbe: {
                httpGet: { path: '/ready', port: 'http' },
                periodSeconds: 1,
                failureThreshold: 2,
                timeoutSeconds: 2,
              },
              livenessProbe: {
                httpGet: { path: '/health', port: 'http' },
                periodSeconds: 10,
                failureThreshold: 3,
                timeoutSeconds: 2,
              },
              lifecycle: { preStop: { sleep: { seconds: 2 } } },
            },
          ],
        },
      },
    },
  });
}
