import type { UpperBody } from '../body.js';

/**
 * A hand: within this many shoulder widths of a wrist, beyond it (past {@link HAND_FROM} along the forearm), outside the
 * torso. Nothing there is the old top. Default 0.5.
 */
export const HAND_REACH = 0.5;
/** How far past the wrist keypoint (shoulder widths, along the forearm) the hand starts: a long sleeve's cuff may reach that far. Default 0.12. */
export const HAND_FROM = 0.12;

/**
 * The hands beside the body over a w×h area at (ox, oy) of the photo (1: hand): pixels within {@link HAND_REACH} of a
 * wrist, past it by {@link HAND_FROM} along the forearm (elbow → wrist), and outside the torso (the shoulders' span
 * at the shoulders, 1.3 times the hips' at the hips: a hand held on the body keeps the old top around it repainted).
 */
export function handsBesideTorso(body: UpperBody, ox: number, oy: number, w: number, h: number): Uint8Array {
  const hands = new Uint8Array(w * h);
  const sw = body.shoulderWidth;
  const reach = HAND_REACH * sw;
  const sm = { x: (body.shoulderLeft.x + body.shoulderRight.x) / 2, y: (body.shoulderLeft.y + body.shoulderRight.y) / 2 };
  const hm = { x: (body.hipLeft.x + body.hipRight.x) / 2, y: (body.hipLeft.y + body.hipRight.y) / 2 };
  const hipHalf = Math.hypot(body.hipRight.x - body.hipLeft.x, body.hipRight.y - body.hipLeft.y) / 2;
  for (const [elbow, wrist] of [[body.elbowLeft, body.wristLeft], [body.elbowRight, body.wristRight]] as const) {
    const len = Math.hypot(wrist.x - elbow.x, wrist.y - elbow.y);
    if (len < 1) continue;
    const ux = (wrist.x - elbow.x) / len, uy = (wrist.y - elbow.y) / len;
    for (let y = Math.max(0, Math.floor(wrist.y - reach - oy)); y <= Math.min(h - 1, Math.ceil(wrist.y + reach - oy)); y++) {
      const py = y + oy;
      const f = Math.min(1, Math.max(0, (py - sm.y) / Math.max(1, hm.y - sm.y)));
      const cx = sm.x + (hm.x - sm.x) * f;
      const half = (0.5 - 0.5 * f) * sw + f * 1.3 * hipHalf;
      for (let x = Math.max(0, Math.floor(wrist.x - reach - ox)); x <= Math.min(w - 1, Math.ceil(wrist.x + reach - ox)); x++) {
        const px = x + ox;
        const dx = px - wrist.x, dy = py - wrist.y;
        if (dx * dx + dy * dy > reach * reach || dx * ux + dy * uy < HAND_FROM * sw || Math.abs(px - cx) <= half) continue;
        hands[y * w + x] = 1;
      }
    }
  }
  return hands;
}
