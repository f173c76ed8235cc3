/*
 * ssh2's bundled poly1305 (Emscripten output) reads the CommonJS `__dirname` while it loads. In an ES
 * module bundle (ncc, `type: module`) that name does not exist and loading throws. Its value is only a base
 * path for a wasm file that is embedded anyway, so the bundle's own folder is given. Must be imported
 * before ssh2.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const globals = globalThis as { __dirname?: string };
globals.__dirname ??= dirname(fileURLToPath(import.meta.url));
