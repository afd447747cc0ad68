// The interop suite's TLS setup, made locally: a test CA and a server certificate for *.test.google.fr (the names of
// grpc's published test credentials, which clients reach with --server_host_override=foo.test.google.fr).
//   npx tsx examples/interop/test-certs.ts [DIR]     writes DIR/ca.pem, DIR/server1.pem, DIR/server1.key (openssl)
// The interop server and client read them from examples/interop/creds, or H2GRPC_INTEROP_CREDS, or their flags.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerHelp } from '../run.js';

/** Where the interop programs look for ca.pem, server1.pem and server1.key. */
export const CREDS_DIR = process.env.H2GRPC_INTEROP_CREDS ?? fileURLToPath(new URL('./creds', import.meta.url));

/** Writes a CA and a server certificate it signed (SANs as grpc's server1.pem) into dir, with openssl. */
export function makeTestCerts(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', '/CN=h2grpc interop test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=*.test.google.com', '-keyout', 'server1.key', '-out', 'server1.csr');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:*.test.google.fr,DNS:waterzooi.test.google.be,DNS:*.test.youtube.com,IP:192.168.1.3\n');
  openssl('x509', '-req', '-in', 'server1.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'san.ext', '-out', 'server1.pem');
}

/** The credentials the interop programs were told to use; a missing file is said with how to make it. */
export function credsFile(path: string | undefined, name: string): string {
  const file = path ?? join(CREDS_DIR, name);
  if (!existsSync(file)) {
    console.error(`${file} does not exist: make the interop test certificates with: npx tsx examples/interop/test-certs.ts${path ? '' : ` ${CREDS_DIR}`}`);
    process.exit(1);
  }
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  answerHelp(import.meta.url); // run as a program (the interop client and server import it too)
  const dir = process.argv[2] ?? CREDS_DIR;
  makeTestCerts(dir);
  console.log(`wrote ${join(dir, 'ca.pem')}, ${join(dir, 'server1.pem')}, ${join(dir, 'server1.key')}`);
}
