// The limit to compare the service with: Node's http module answering a small JSON body, nothing else.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok', app: 'bare', version: '0.0.0' });
createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
