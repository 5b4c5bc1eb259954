import { KP, type Keypoint, type PersonDetection } from '../body.js';

/** A synthetic detection of a front-facing person in a 768×1024 photo (shoulders at y 300, hips at y 700); `overrides` move or hide keypoints. */
export function frontPerson(overrides: Partial<Record<keyof typeof KP, Partial<Keypoint>>> = {}, score = 0.8): PersonDetection {
  const base: Record<keyof typeof KP, Keypoint> = {
    nose: { x: 384, y: 160, score: 0.9 }, leftEye: { x: 404, y: 140, score: 0.9 }, rightEye: { x: 364, y: 140, score: 0.9 },
    leftEar: { x: 430, y: 150, score: 0.7 }, rightEar: { x: 338, y: 150, score: 0.7 },
    leftShoulder: { x: 520, y: 300, score: 0.9 }, rightShoulder: { x: 248, y: 300, score: 0.9 },
    leftElbow: { x: 560, y: 500, score: 0.8 }, rightElbow: { x: 208, y: 500, score: 0.8 },
    leftWrist: { x: 570, y: 680, score: 0.8 }, rightWrist: { x: 198, y: 680, score: 0.8 },
    leftHip: { x: 470, y: 700, score: 0.8 }, rightHip: { x: 298, y: 700, score: 0.8 },
  };
  const keypoints: Keypoint[] = [];
  for (const [name, index] of Object.entries(KP) as [keyof typeof KP, number][]) keypoints[index] = { ...base[name], ...overrides[name] };
  for (let i = 13; i < 17; i++) keypoints[i] = { x: 384, y: 900, score: 0.5 };
  return { keypoints, score, box: { x: 180, y: 80, width: 420, height: 940 } };
}

