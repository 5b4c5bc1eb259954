import { ParleyError } from '../bot/core/index.js';

/** Why a try-on input was refused; the CLI prints it as `error.code` and the dialog explains it to the shopper. */
export type TryOnRejection =
  | 'not_an_image'
  | 'too_large'
  | 'too_small'
  | 'no_person'
  | 'several_people'
  | 'back_view'
  | 'no_torso'
  | 'no_garment';

/**
 * A refused try-on input (bad photo or product image). It is a caller mistake (`bad_request`, HTTP 400, CLI exit 2);
 * `reason` is the specific {@link TryOnRejection}, which `toJSON()` reports as the error code.
 */
export class TryOnInputError extends ParleyError {
  readonly reason: TryOnRejection;

  constructor(reason: TryOnRejection, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('bad_request', message, options);
    this.name = 'TryOnInputError';
    this.reason = reason;
  }

  /** The contract's `{"error": {"code": reason, "message"}}` body (`code` is the specific reason, e.g. `no_person`). */
  toRejectionJSON(): { error: { code: TryOnRejection; message: string } } {
    return { error: { code: this.reason, message: this.message } };
  }
}
