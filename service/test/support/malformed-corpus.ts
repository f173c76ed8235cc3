/**
 * Raw HTTP/1.x requests a well-behaved client would never send: bad methods, huge and odd targets and
 * headers, broken framing and encodings, and seeded random bytes. Deterministic, so a failure replays.
 */
export interface RawCase {
  name: string;
  bytes: Buffer;
}

const CRLF = '\r\n';
const request = (line: string, headers: string[] = ['Host: 127.0.0.1'], body = '') =>
  Buffer.from(`${line}${CRLF}${headers.map((h) => `${h}${CRLF}`).join('')}${CRLF}${body}`, 'latin1');

/** Small deterministic PRNG (mulberry32): the same corpus on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function methodCases(): RawCase[] {
  const methods = [
    'FOO',
    'GETT',
    'get',
    'G ET',
    '',
    '123',
    '\x00GET',
    'GET\t',
    'BREW',
    'PRI',
    'TRACE',
    'PROPFIND',
    'PURGE',
    'MKCOL',
    'LOCK',
    'SEARCH',
    'M-SEARCH',
    'REPORT',
    'QUERY',
    'SOURCE',
    'ACL',
    'BIND',
    'COPY',
    'MOVE',
    'LINK',
    'UNLINK',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'HEAD',
    'CONNECT',
  ];
  return methods.flatMap((method) =>
    ['/health', '/metrics', '/nope'].map((path) => ({
      name: `method ${JSON.stringify(method)} ${path}`,
      bytes: request(`${method} ${path} HTTP/1.1`, ['Host: 127.0.0.1', 'Content-Length: 0']),
    })),
  );
}

function targetCases(): RawCase[] {
  const targets: [string, string][] = [
    ['8 KB path', `/${'a'.repeat(8 * 1024)}`],
    ['20 KB path', `/${'b'.repeat(20 * 1024)}`],
    ['100 KB path', `/${'c'.repeat(100 * 1024)}`],
    ['8 KB query', `/health?q=${'d'.repeat(8 * 1024)}`],
    ['1000 query parameters', `/health?${Array.from({ length: 1000 }, (_, i) => `k${i}=v`).join('&')}`],
    ['double slash', '//'],
    ['dot segments', '/health/../metrics'],
    ['encoded dot segments', '/..%2f..%2fetc/passwd'],
    ['lone percent', '/%'],
    ['bad percent escape', '/%zz'],
    ['truncated UTF-8 escape', '/%E0%A4%A'],
    ['encoded NUL', '/health%00'],
    ['raw latin-1 byte', '/\xff'],
    ['overlong UTF-8', '/\xc0\xaf'],
    ['invalid UTF-8', '/\xff\xfe\xfd'],
    ['raw UTF-8', '/m\xc3\xa9trics'],
    ['asterisk', '*'],
    ['no leading slash', 'health'],
    ['empty query', '/health?'],
    ['bad query escape', '/health?a=%'],
    ['percent-only query', '/health?%%%'],
    ['fragment', '/health#frag'],
    ['trailing slash', '/metrics/system/'],
    ['upper case', '/METRICS'],
    ['matrix parameter', '/health;x=1'],
    ['absolute form', 'http://example.com/health'],
    ['absolute form, other port', 'http://127.0.0.1:1/metrics'],
    ['authority form', '127.0.0.1:80'],
    ['scheme-relative', '//evil.example/health'],
    ['tab in target', '/hea\tlth'],
    ['backslashes', '\\health\\'],
    ['control character', '/health\x01'],
    ['DEL character', '/health\x7f'],
    ['deep path', `/${'x/'.repeat(2000)}`],
    ['JSON in path', '/{"a":1}'],
    ['template injection', '/\x24{7*7}'],
    ['HTML in path', '/<script>alert(1)</script>'],
  ];
  return targets.map(([name, target]) => ({
    name: `target: ${name}`,
    bytes: request(`GET ${target} HTTP/1.1`),
  }));
}

function headerCases(): RawCase[] {
  const get = 'GET /health HTTP/1.1';
  const cases: [string, string[], string?][] = [
    ['20 KB header value', ['Host: 127.0.0.1', `X-Big: ${'e'.repeat(20 * 1024)}`]],
    ['100 KB cookie', ['Host: 127.0.0.1', `Cookie: ${'f=1; '.repeat(20 * 1024)}`]],
    ['200 headers', ['Host: 127.0.0.1', ...Array.from({ length: 200 }, (_, i) => `X-H${i}: ${i}`)]],
    ['2000 headers', ['Host: 127.0.0.1', ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`)]],
    ['8 KB header name', ['Host: 127.0.0.1', `X-${'n'.repeat(8 * 1024)}: 1`]],
    ['header without colon', ['Host: 127.0.0.1', 'NoColonHere']],
    ['space before colon', ['Host: 127.0.0.1', 'X-Bad : 1']],
    ['obsolete line folding', ['Host: 127.0.0.1', 'X-Fold: a', ' continued']],
    ['no Host', []],
    ['two Hosts', ['Host: a', 'Host: b']],
    ['empty Host', ['Host:']],
    ['Host with path', ['Host: a/b?c']],
    ['NUL in value', ['Host: 127.0.0.1', 'X-Nul: a\x00b']],
    ['bare CR in value', ['Host: 127.0.0.1', 'X-Cr: a\rb']],
    ['latin-1 value', ['Host: 127.0.0.1', 'X-L: caf\xe9']],
    ['UTF-8 value', ['Host: 127.0.0.1', 'X-U: \xe2\x9c\x93']],
    ['invalid name character', ['Host: 127.0.0.1', 'X(Bad): 1']],
    ['empty name', ['Host: 127.0.0.1', ': value']],
    ['negative Content-Length', ['Host: 127.0.0.1', 'Content-Length: -1']],
    ['non-numeric Content-Length', ['Host: 127.0.0.1', 'Content-Length: abc']],
    ['two Content-Lengths', ['Host: 127.0.0.1', 'Content-Length: 1', 'Content-Length: 2'], 'a'],
    ['huge Content-Length', ['Host: 127.0.0.1', 'Content-Length: 99999999999999999999']],
    [
      'Content-Length and chunked',
      ['Host: 127.0.0.1', 'Content-Length: 4', 'Transfer-Encoding: chunked'],
      '0\r\n\r\n',
    ],
    ['unknown Transfer-Encoding', ['Host: 127.0.0.1', 'Transfer-Encoding: gzip']],
    ['chunked twice', ['Host: 127.0.0.1', 'Transfer-Encoding: chunked, chunked'], '0\r\n\r\n'],
    ['bad chunk size', ['Host: 127.0.0.1', 'Transfer-Encoding: chunked'], 'zz\r\nabc\r\n0\r\n\r\n'],
    ['chunk size overflow', ['Host: 127.0.0.1', 'Transfer-Encoding: chunked'], 'ffffffffffffffffff\r\n'],
    [
      'gzip body that is not gzip',
      ['Host: 127.0.0.1', 'Content-Encoding: gzip', 'Content-Length: 5'],
      'hello',
    ],
    ['Expect 100-continue', ['Host: 127.0.0.1', 'Expect: 100-continue', 'Content-Length: 2'], 'ok'],
    ['unknown Expect', ['Host: 127.0.0.1', 'Expect: teapot']],
    [
      'WebSocket upgrade',
      ['Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13'],
    ],
    [
      'h2c upgrade',
      [
        'Host: 127.0.0.1',
        'Connection: Upgrade, HTTP2-Settings',
        'Upgrade: h2c',
        'HTTP2-Settings: AAMAAABkAAQAAP__',
      ],
    ],
    ['odd Accept', ['Host: 127.0.0.1', 'Accept: */*;q=abc, text/<html>']],
    ['odd Accept-Encoding', ['Host: 127.0.0.1', 'Accept-Encoding: gzip;q=2, br;q=-1, \xff']],
    ['odd Range', ['Host: 127.0.0.1', 'Range: bytes=-1-2,a-b']],
    ['garbage X-Forwarded-For', ['Host: 127.0.0.1', 'X-Forwarded-For: <>, ::::, 999.1.1.1']],
    ['garbage Authorization', ['Host: 127.0.0.1', 'Authorization: Basic !!!notbase64']],
    ['If-Modified-Since garbage', ['Host: 127.0.0.1', 'If-Modified-Since: yesterday']],
    ['Connection: close', ['Host: 127.0.0.1', 'Connection: close']],
    ['Content-Type garbage', ['Host: 127.0.0.1', 'Content-Type: ;;;=', 'Content-Length: 2'], '{}'],
  ];
  return cases.flatMap(([name, headers, body]) => [
    { name: `header: ${name}`, bytes: request(get, headers, body ?? '') },
    { name: `header (POST): ${name}`, bytes: request('POST /metrics/app HTTP/1.1', headers, body ?? '') },
  ]);
}

function framingCases(): RawCase[] {
  const raw = (name: string, text: string): RawCase => ({
    name: `framing: ${name}`,
    bytes: Buffer.from(text, 'latin1'),
  });
  return [
    raw('HTTP/2.0 version', 'GET /health HTTP/2.0\r\nHost: a\r\n\r\n'),
    raw('HTTP/0.9 request', 'GET /health\r\n\r\n'),
    raw('HTTP/1.2 version', 'GET /health HTTP/1.2\r\nHost: a\r\n\r\n'),
    raw('HTTP/9.9 version', 'GET /health HTTP/9.9\r\nHost: a\r\n\r\n'),
    raw('lower-case version', 'GET /health http/1.1\r\nHost: a\r\n\r\n'),
    raw('HTTP/1.0 without Host', 'GET /health HTTP/1.0\r\n\r\n'),
    raw('LF line endings', 'GET /health HTTP/1.1\nHost: a\n\n'),
    raw('CR line endings', 'GET /health HTTP/1.1\rHost: a\r\r'),
    raw('leading empty lines', '\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n'),
    raw('extra spaces in request line', 'GET  /health  HTTP/1.1\r\nHost: a\r\n\r\n'),
    raw('request line only', 'GET /health HTTP/1.1\r\n'),
    raw('half a request line', 'GET /hea'),
    raw('empty', ''),
    raw('only CRLF', '\r\n'),
    raw('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    raw('TLS ClientHello', `\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03${'R'.repeat(64)}`),
    raw('SSH banner', 'SSH-2.0-OpenSSH_9.2\r\n'),
    raw(
      'three pipelined requests',
      'GET /health HTTP/1.1\r\nHost: a\r\n\r\n'.repeat(2) +
        'GET /ready HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    ),
    raw('pipelined good then bad', 'GET /health HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\r\n\r\n'),
    raw(
      'body longer than Content-Length',
      'POST /health HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nabcdef',
    ),
    raw('NUL bytes', '\x00\x00\x00\x00GET / HTTP/1.1\r\n\r\n'),
    raw('JSON instead of HTTP', '{"method":"GET","path":"/health"}\r\n\r\n'),
  ];
}

function randomCases(count: number, seed: number): RawCase[] {
  const next = prng(seed);
  const valid = 'GET /metrics/system HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n';
  const cases: RawCase[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const bytes = Buffer.alloc(1 + Math.floor(next() * 300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
      cases.push({ name: `random bytes #${i}`, bytes });
    } else {
      // A valid request with a few bytes flipped: errors deep inside an otherwise plausible request.
      const bytes = Buffer.from(valid, 'latin1');
      for (let k = 0; k < 1 + Math.floor(next() * 4); k++) {
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      }
      cases.push({ name: `mutated request #${i}`, bytes });
    }
  }
  return cases;
}

export function malformedCorpus(): RawCase[] {
  return [
    ...methodCases(),
    ...targetCases(),
    ...headerCases(),
    ...framingCases(),
    ...randomCases(60, 20251115),
  ];
}
