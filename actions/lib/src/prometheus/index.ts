// Prometheus's query API, reached at a URL or over the SSH connection (a forwarded port). See ../../README.md.

export { PrometheusClient, PrometheusError, type PrometheusQuery } from './client.js';
