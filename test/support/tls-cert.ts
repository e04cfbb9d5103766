import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
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

/** Reused for a day, then made again (it is valid for two). */
const REUSE_MS = 24 * 3600_000;
let cached: { key: Buffer; cert: Buffer } | undefined;

/**
 * A self-signed certificate for every test host, made with the system `openssl` (Node cannot
 * issue X.509 certificates by itself) and shared by every process of a run through one file: the
 * origin server and the browser launcher must agree on it, and they may be different processes.
 * Chromium trusts it by its key (`testCertificateSpki`); Firefox accepts it (`acceptInsecureCerts`).
 */
export function testCertificate(): { key: Buffer; cert: Buffer } {
  if (cached) return cached;
  const san = [...TEST_HOSTS.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
  const dir = join(tmpdir(), `peercache-test-tls-${userInfo().uid}`);
  const file = join(dir, `${createHash('sha256').update(san).digest('hex').slice(0, 16)}.pem`);
  if (!existsSync(file) || Date.now() - statSync(file).mtimeMs > REUSE_MS) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const work = mkdtempSync(join(dir, 'new-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=peercache-test',
      '-addext', `subjectAltName=${san}`, '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'),
    ], { stdio: 'ignore' });
    // One file, renamed into place: a process starting meanwhile reads the old pair or the new, never half.
    writeFileSync(join(work, 'both.pem'), Buffer.concat([readFileSync(join(work, 'key.pem')), readFileSync(join(work, 'cert.pem'))]), { mode: 0o600 });
    renameSync(join(work, 'both.pem'), file);
  }
  const pem = readFileSync(file, 'utf8');
  const block = (label: RegExp): Buffer => Buffer.from(pem.match(label)?.[0] ?? '');
  cached = { key: block(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/), cert: block(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/) };
  return cached;
}

/**
 * The base64 SHA-256 of the test certificate's public key, for Chromium's
 * `--ignore-certificate-errors-spki-list`. Unlike `--ignore-certificate-errors` (or Playwright's
 * `ignoreHTTPSErrors`), which leave the connection marked as a certificate error so that
 * Chromium keeps nothing in its HTTP cache, this trusts the key: responses are cached as they
 * would be on a real site, and "without PeerCache" baselines keep their HTTP cache.
 */
export function testCertificateSpki(): string {
  const spki = new X509Certificate(testCertificate().cert).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
