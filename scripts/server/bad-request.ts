/** A malformed request: answered 400 with the message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}
