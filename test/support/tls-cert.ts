import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The host names tests give to loopback: unrelated sites (distinct registrable domains, so the
 * browser's own cache is partitioned between them), sites with CSPs, and the two public CDNs.
 */
export const TEST_HOSTS = [
  'site-a.test', 'site-b.test', 'site-c.test', 'static.test', 'bank.test',
  'csp-strict.test', 'csp-data.test', 'csp-first.test', 'cdn.jsdelivr.net', 'unpkg.com',
  // The other CDNs real pages load libraries from (first-visit.test.ts).
  'cdnjs.cloudflare.com', 'ajax.googleapis.com', 'code.jquery.com', 'maxcdn.bootstrapcdn.com', 'ajax.aspnetcdn.com',
  'news.test', 'shop.test', 'blog.test',
] as const;

let cached: { key: Buffer; cert: Buffer } | undefined;

/**
 * A self-signed certificate for every test host, made once per process with the system
 * `openssl` (Node cannot issue X.509 certificates by itself). Browsers are told to accept it
 * (Chromium `--ignore-certificate-errors`, Firefox `acceptInsecureCerts`).
 */
export function testCertificate(): { key: Buffer; cert: Buffer } {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'peercache-tls-'));
  const san = [...TEST_HOSTS.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=peercache-test',
    '-addext', `subjectAltName=${san}`, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  cached = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  return cached;
}
