/**
 * The pixels reached from the image's border through 4-connected `passable` pixels (1 reached, 0 not): the background
 * around a cut-out, the outside of a region (its holes are what it does not reach).
 */
export function floodFromBorder(width: number, height: number, passable: (i: number) => boolean): Uint8Array {
  const n = width * height;
  const reached = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  const push = (i: number): void => {
    if (reached[i] || !passable(i)) return;
    reached[i] = 1;
    queue[tail++] = i;
  };
  for (let x = 0; x < width; x++) { push(x); push((height - 1) * width + x); }
  for (let y = 0; y < height; y++) { push(y * width); push(y * width + width - 1); }
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    const x = i % width;
    if (x > 0) push(i - 1);
    if (x < width - 1) push(i + 1);
    if (i >= width) push(i - width);
    if (i + width < n) push(i + width);
  }
  return reached;
}
