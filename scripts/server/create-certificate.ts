import { createHash, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/** A self-signed certificate for 127.0.0.1 and localhost, made at run time so that no private key is committed. */
export interface Certificate {
  /** PEM private key (never leaves the process). */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** SHA-256 fingerprint of the certificate, colon-separated hex (as `X509Certificate.fingerprint256`). */
  fingerprint256: string;
  /** Base64 SHA-256 of the SubjectPublicKeyInfo, for Chromium's `--ignore-certificate-spki-list`. */
  spki: string;
}

const DAY_MS = 86_400_000;

/** Makes a fresh ECDSA P-256 certificate, valid from yesterday for 30 days. */
export async function createCertificate(): Promise<Certificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const x509 = new X509Certificate(pems.cert);
  const spkiDer = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint256: x509.fingerprint256,
    spki: createHash('sha256').update(spkiDer).digest('base64'),
  };
}
