import { TryOnInputError } from './errors.js';
import type { Point } from './geometry/tps.js';

/** A body keypoint in photo pixels with the model's confidence (0–1). */
export interface Keypoint extends Point {
  score: number;
}

/** One detected person: 17 COCO keypoints (MoveNet order) and the detection score. */
export interface PersonDetection {
  keypoints: Keypoint[];
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/** COCO keypoint indices as MoveNet returns them. */
export const KP = {
  nose: 0, leftEye: 1, rightEye: 2, leftEar: 3, rightEar: 4, leftShoulder: 5, rightShoulder: 6, leftElbow: 7,
  rightElbow: 8, leftWrist: 9, rightWrist: 10, leftHip: 11, rightHip: 12,
} as const;

/** The upper body the garment is fitted to, in photo pixels; "left"/"right" are image sides (wearer's right/left). */
export interface UpperBody {
  /** Mean confidence of the shoulder, elbow and hip keypoints used. */
  poseScore: number;
  shoulderLeft: Point;
  shoulderRight: Point;
  elbowLeft: Point;
  elbowRight: Point;
  wristLeft: Point;
  wristRight: Point;
  hipLeft: Point;
  hipRight: Point;
  /** Base of the neck (between the shoulders, a little above them). */
  neck: Point;
  /** Head centre and radius (from nose, eyes and ears; estimated from the shoulders when the face is not found). */
  head: Point & { radius: number };
  /** Shoulder span in pixels (the unit of every body-relative distance). */
  shoulderWidth: number;
}

/** Minimum detection score for a person to count. Default 0.3. */
export const PERSON_THRESHOLD = 0.3;
/** Minimum keypoint score for a joint to count as seen. Default 0.25. */
export const KEYPOINT_THRESHOLD = 0.25;

/**
 * Picks the shopper from the detections and checks the photo can be used: exactly one person (a second one counts
 * when its score passes the threshold and it is at least a third of the main one's size), facing the camera, with
 * both shoulders and the torso in view. Throws `no_person`, `several_people`, `back_view` or `no_torso`.
 */
export function upperBodyFrom(detections: PersonDetection[], imageWidth: number, imageHeight: number): UpperBody {
  const people = detections.filter((d) => d.score >= PERSON_THRESHOLD).sort((a, b) => b.score - a.score);
  const main = people[0];
  if (!main) throw new TryOnInputError('no_person', 'No person was found in the photo. Please send a photo of yourself, facing the camera, from the head to below the waist.');
  const mainArea = main.box.width * main.box.height;
  if (people.slice(1).some((p) => p.box.width * p.box.height > mainArea / 3)) {
    throw new TryOnInputError('several_people', 'There is more than one person in the photo. Please send a photo with only you in it.');
  }
  const k = main.keypoints;
  const seen = (i: number): boolean => k[i]!.score >= KEYPOINT_THRESHOLD;
  if (!seen(KP.leftShoulder) || !seen(KP.rightShoulder)) {
    throw new TryOnInputError('no_torso', 'Your shoulders are not visible in the photo. Please send one showing your upper body from the head to below the waist.');
  }
  const ls = k[KP.leftShoulder]!;
  const rs = k[KP.rightShoulder]!;
  const faceSeen = [KP.nose, KP.leftEye, KP.rightEye].filter(seen).length;
  // Facing the camera, the wearer's left shoulder is on the image's right.
  if (ls.x < rs.x && faceSeen < 2) {
    throw new TryOnInputError('back_view', 'The photo seems to show your back. Please send one facing the camera.');
  }
  const shoulderWidth = Math.hypot(ls.x - rs.x, ls.y - rs.y);
  const shoulderMid = { x: (ls.x + rs.x) / 2, y: (ls.y + rs.y) / 2 };
  let hipL: Point = k[KP.rightHip]!;
  let hipR: Point = k[KP.leftHip]!;
  const hipsSeen = seen(KP.leftHip) && seen(KP.rightHip);
  if (!hipsSeen) {
    // Hips out of frame or hidden: extrapolate a typical torso (hip line 1.5 shoulder widths below the shoulders).
    hipL = { x: shoulderMid.x - 0.38 * shoulderWidth, y: shoulderMid.y + 1.5 * shoulderWidth };
    hipR = { x: shoulderMid.x + 0.38 * shoulderWidth, y: shoulderMid.y + 1.5 * shoulderWidth };
  }
  const torsoLength = (hipL.y + hipR.y) / 2 - shoulderMid.y;
  if (shoulderWidth < 0.08 * imageWidth || torsoLength < 0.5 * shoulderWidth || (!hipsSeen && shoulderMid.y + 0.9 * shoulderWidth > imageHeight)) {
    throw new TryOnInputError('no_torso', 'Your upper body is not clearly visible. Please send a photo facing the camera, from the head to below the waist.');
  }
  if (shoulderWidth < 0.35 * torsoLength) {
    throw new TryOnInputError('back_view', 'The photo seems to be taken from the side. Please send one facing the camera.');
  }
  const arm = (shoulder: Point, elbow: Keypoint, wrist: Keypoint, sign: number): [Point, Point] => {
    // Unseen joints: assume the arm hangs down beside the body.
    const e = elbow.score >= KEYPOINT_THRESHOLD ? elbow : { x: shoulder.x + sign * 0.15 * shoulderWidth, y: shoulder.y + 0.9 * shoulderWidth };
    const w = wrist.score >= KEYPOINT_THRESHOLD ? wrist : { x: e.x + (e.x - shoulder.x) * 0.9, y: e.y + (e.y - shoulder.y) * 0.9 };
    return [e, w];
  };
  const [elbowLeft, wristLeft] = arm(rs, k[KP.rightElbow]!, k[KP.rightWrist]!, -1);
  const [elbowRight, wristRight] = arm(ls, k[KP.leftElbow]!, k[KP.leftWrist]!, 1);
  const faceIdx = [KP.nose, KP.leftEye, KP.rightEye, KP.leftEar, KP.rightEar].filter(seen);
  const head = faceIdx.length >= 2
    ? { x: avg(faceIdx.map((i) => k[i]!.x)), y: avg(faceIdx.map((i) => k[i]!.y)), radius: 0.42 * shoulderWidth }
    : { x: shoulderMid.x, y: shoulderMid.y - 0.75 * shoulderWidth, radius: 0.42 * shoulderWidth };
  const used = [KP.leftShoulder, KP.rightShoulder, KP.leftElbow, KP.rightElbow, KP.leftHip, KP.rightHip];
  return {
    poseScore: avg(used.map((i) => k[i]!.score)),
    shoulderLeft: rs,
    shoulderRight: ls,
    elbowLeft,
    elbowRight,
    wristLeft,
    wristRight,
    hipLeft: hipL,
    hipRight: hipR,
    neck: { x: shoulderMid.x, y: shoulderMid.y - 0.12 * shoulderWidth },
    head,
    shoulderWidth,
  };
}

function avg(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Parses MoveNet MultiPose output (6 × 56: 17 × [y, x, score], then [ymin, xmin, ymax, xmax, score]) into detections. */
export function parseMultiPose(raw: Float32Array | number[], toImage: (nx: number, ny: number) => Point): PersonDetection[] {
  const out: PersonDetection[] = [];
  for (let d = 0; d * 56 + 55 < raw.length; d++) {
    const o = d * 56;
    const keypoints: Keypoint[] = [];
    for (let j = 0; j < 17; j++) {
      const p = toImage(raw[o + j * 3 + 1]!, raw[o + j * 3]!);
      keypoints.push({ ...p, score: raw[o + j * 3 + 2]! });
    }
    const a = toImage(raw[o + 52]!, raw[o + 51]!);
    const b = toImage(raw[o + 54]!, raw[o + 53]!);
    out.push({ keypoints, score: raw[o + 55]!, box: { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y } });
  }
  return out;
}
