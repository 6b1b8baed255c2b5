let cached: boolean | undefined;

/**
 * Whether this platform accepts a `ReadableStream` request body (`duplex: 'half'`).
 * It cannot see the protocol: Chromium says yes here, then refuses streamed bodies over
 * HTTP/1.1 at send time (`net::ERR_ALPN_NEGOTIATION_FAILED`). Firefox and Safari say no.
 */
export function supportsRequestStreams(): boolean {
  if (cached !== undefined) return cached;
  let duplexAccessed = false;
  try {
    const request = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: new ReadableStream(),
      get duplex() {
        duplexAccessed = true;
        return 'half';
      },
    } as RequestInit);
    cached = duplexAccessed && !request.headers.has('content-type');
  } catch {
    cached = false;
  }
  return cached;
}
