import { WEAR } from './wear.js';

/**
 * A label `readWardrobe` (`./wardrobe.js`) gives, before the smoothing, to a pixel where hair may fall that matches no
 * colour model but is nearest the old top's, within {@link DEEP_SHADE_DISTANCE}: a deep shade of the top, or a hair
 * end. {@link shadeOfTheTop} decides which. Not a {@link WEAR} value; none is left after it.
 */
export const DEEP_SHADE = 6;

/**
 * Farthest (opponent-colour units, as `OTHER_DISTANCE` of `./wardrobe.js`) a {@link DEEP_SHADE} pixel is from the old
 * top's nearest colour. Default 120 (1.5 × `TOP_SHADE_DISTANCE`).
 */
export const DEEP_SHADE_DISTANCE = 120;

/**
 * Where hair may fall, a pixel that matches no colour model is the old top only when it is a shade of the top's colours
 * within `TOP_SHADE_DISTANCE` (a hair end is not the top). A saturated top's side in deep shadow, between an arm and the
 * torso, is darker still: it stayed "other", was not taken off, and an orange band of the old tank showed behind the
 * arm under a new tee (person 01992: (190, 46, 5) against the tank's (253, 153, 15), 100 units from it). Hair ends are
 * joined to the hair; that shadow is joined to the top and to no hair. So each region of {@link DEEP_SHADE} pixels
 * (4-neighbours) that touches the old top and touches no hair becomes the old top, and the rest "other". Mutates
 * `labels`; returns how many pixels became the top.
 */
export function shadeOfTheTop(labels: Uint8Array, width: number, height: number): number {
  const top = WEAR.top;
  const hair = WEAR.hair;
  const seen = new Uint8Array(labels.length);
  const queue = new Int32Array(labels.length);
  let changed = 0;
  for (let s = 0; s < labels.length; s++) {
    if (labels[s] !== DEEP_SHADE || seen[s]) continue;
    // One region: its pixels in queue[0..tail), and what lies beside it.
    let tail = 0;
    let besideTop = false;
    let besideHair = false;
    seen[s] = 1;
    queue[tail++] = s;
    for (let head = 0; head < tail; head++) {
      const i = queue[head]!;
      const x = i % width;
      const y = (i - x) / width;
      for (let k = 0; k < 4; k++) {
        const nx = k === 0 ? x - 1 : k === 1 ? x + 1 : x;
        const ny = k === 2 ? y - 1 : k === 3 ? y + 1 : y;
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
        const j = ny * width + nx;
        const l = labels[j]!;
        if (l === top) besideTop = true;
        else if (l === hair) besideHair = true;
        else if (l === DEEP_SHADE && !seen[j]) { seen[j] = 1; queue[tail++] = j; }
      }
    }
    const label = besideTop && !besideHair ? top : WEAR.other;
    for (let k = 0; k < tail; k++) labels[queue[k]!] = label;
    if (label === top) changed += tail;
  }
  return changed;
}
