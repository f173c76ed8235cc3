import type { ServiceConfig } from '../config.js';

interface ResponseSpec {
  description: string;
  content: Record<string, { schema: object }>;
}

const json = (description: string, schema: object): ResponseSpec => ({
  description,
  content: { 'application/json': { schema } },
});
const num = { type: 'number' };
const int = { type: 'integer' };
const str = { type: 'string' };
const time = { type: 'string', format: 'date-time' };
const nullableNum = { type: 'number', nullable: true };
const obj = (properties: Record<string, object>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
});

const errorSchema = obj({ error: str, message: str, status: int });
const errors = {
  '404': json('No endpoint at this path.', errorSchema),
  '405': json('Method not allowed; the Allow header lists the allowed ones.', errorSchema),
};

function getOperation(
  summary: string,
  description: string,
  ok: ResponseSpec,
  extra: Record<string, ResponseSpec> = {},
) {
  return { get: { summary, description, responses: { '200': ok, ...extra, ...errors } } };
}

/** The OpenAPI 3.0 description of every endpoint, served at /openapi.json and rendered by /docs. */
export function openApiDocument(config: ServiceConfig) {
  return {
    openapi: '3.0.3',
    info: {
      title: `${config.appName} metrics API`,
      version: config.appVersion,
      description: 'Host, container, application and TCP latency figures of the node this service runs on.',
    },
    paths: {
      '/health': getOperation(
        'Liveness',
        'Answers as long as the process serves requests.',
        json('Alive.', obj({ status: { type: 'string', enum: ['ok'] }, app: str, version: str })),
      ),
      '/ready': getOperation(
        'Readiness',
        'Answers 200 while serving, 503 from the moment the process received SIGTERM.',
        json('Ready for traffic.', obj({ status: { type: 'string', enum: ['ready'] } })),
        { '503': json('Shutting down.', obj({ status: { type: 'string', enum: ['shutting_down'] } })) },
      ),
      '/info': getOperation(
        'Build and environment',
        'Name, version and environment; git revision and image when configured.',
        json(
          'Service information.',
          obj(
            {
              app_name: str,
              version: str,
              environment: str,
              server_time: time,
              git_revision: str,
              image: str,
            },
            ['app_name', 'version', 'environment', 'server_time'],
          ),
        ),
      ),
      '/metrics/system': getOperation(
        'Host and container figures',
        'From a background sampler (every second): requests never wait for a measurement.',
        json(
          'The latest sample.',
          obj({
            cpu: obj({ percent: num, cores: int }),
            memory: obj({ total_mb: num, used_mb: num, percent: num }),
            disk: obj({ path: str, total_gb: num, used_gb: num, percent: num }),
            load_average: obj({ '1m': num, '5m': num, '15m': num }),
            container: {
              ...obj({
                cgroup_version: int,
                memory: obj({
                  limit_mb: nullableNum,
                  usage_mb: num,
                  working_set_mb: num,
                  percent: nullableNum,
                }),
                cpu: obj({ quota_cores: nullableNum, usage_seconds: num, percent: nullableNum }),
              }),
              nullable: true,
            },
            sampled_at: time,
          }),
        ),
      ),
      '/metrics/app': getOperation(
        'Application figures',
        'Uptime, request counts, in-flight requests, and per-route counts with latency percentiles (ms).',
        json(
          'Application figures.',
          obj({
            uptime_seconds: int,
            requests_count: int,
            startup_time: time,
            in_flight_requests: int,
            routes: {
              type: 'object',
              additionalProperties: obj({ count: int, latency_ms: obj({ p50: num, p90: num, p99: num }) }),
            },
          }),
        ),
      ),
      '/metrics/latency': getOperation(
        'TCP latency to the configured targets',
        'Each LATENCY_TARGETS entry is probed every LATENCY_INTERVAL_SECONDS with a TCP handshake.',
        json(
          'Last measurement per target.',
          obj({
            interval_seconds: int,
            timeout_ms: int,
            targets: {
              type: 'array',
              items: obj({
                target_host: str,
                tcp_port: int,
                interval_seconds: int,
                collected_at: time,
                tcp: obj(
                  {
                    status: {
                      type: 'string',
                      enum: ['ok', 'timeout', 'connection_refused', 'host_unreachable', 'dns_error', 'error'],
                    },
                    port: int,
                    latency_ms: nullableNum,
                    error: str,
                  },
                  ['status', 'port', 'latency_ms'],
                ),
              }),
            },
          }),
        ),
      ),
      '/metrics': getOperation(
        'Prometheus exposition',
        'Every figure above, in base units, for Prometheus.',
        {
          description: 'Prometheus text format 0.0.4.',
          content: { 'text/plain': { schema: str } },
        },
      ),
      '/openapi.json': getOperation(
        'This document',
        'OpenAPI 3.0 description of the API.',
        json('OpenAPI document.', { type: 'object' }),
      ),
      '/docs': getOperation('Readable API documentation', 'This document as one self-contained HTML page.', {
        description: 'HTML page.',
        content: { 'text/html': { schema: str } },
      }),
    },
  };
}
