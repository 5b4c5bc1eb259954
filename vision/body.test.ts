import { upperBodyFrom } from './body.js';
import { TryOnInputError } from './errors.js';
import { frontPerson } from './testing/poses.js';

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TryOnInputError) return error.reason;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('upper body from pose detections', () => {
  it('maps the wearer\'s left to the image right and scores the pose', () => {
    const body = upperBodyFrom([frontPerson()], 768, 1024);
    expect(body.shoulderLeft.x).toBe(248);
    expect(body.shoulderRight.x).toBe(520);
    expect(body.shoulderWidth).toBeCloseTo(272, 5);
    expect(body.poseScore).toBeCloseTo((0.9 * 2 + 0.8 * 4) / 6, 5);
    expect(body.neck.y).toBeLessThan(300);
  });

  it('refuses a photo without a person', () => {
    expect(reason(() => upperBodyFrom([], 768, 1024))).toBe('no_person');
    expect(reason(() => upperBodyFrom([frontPerson({}, 0.1)], 768, 1024))).toBe('no_person');
  });

  it('refuses several people, but not a tiny passer-by far behind', () => {
    expect(reason(() => upperBodyFrom([frontPerson(), frontPerson({}, 0.6)], 768, 1024))).toBe('several_people');
    const small = { ...frontPerson({}, 0.5), box: { x: 10, y: 10, width: 40, height: 90 } };
    expect(() => upperBodyFrom([frontPerson(), small], 768, 1024)).not.toThrow();
  });

  it('refuses a back view and a side view', () => {
    const back = frontPerson({ leftShoulder: { x: 248 }, rightShoulder: { x: 520 }, nose: { score: 0.05 }, leftEye: { score: 0.05 }, rightEye: { score: 0.05 } });
    expect(reason(() => upperBodyFrom([back], 768, 1024))).toBe('back_view');
    const side = frontPerson({ leftShoulder: { x: 400 }, rightShoulder: { x: 330 } });
    expect(reason(() => upperBodyFrom([side], 768, 1024))).toBe('back_view');
  });

  it('refuses a photo whose shoulders or torso are not visible', () => {
    expect(reason(() => upperBodyFrom([frontPerson({ leftShoulder: { score: 0.05 } })], 768, 1024))).toBe('no_torso');
    // Only a face at the bottom edge: hips unseen and the extrapolated torso is out of the frame.
    const cropped = frontPerson({ leftShoulder: { y: 1000 }, rightShoulder: { y: 1000 }, leftHip: { score: 0.01 }, rightHip: { score: 0.01 } });
    expect(reason(() => upperBodyFrom([cropped], 768, 1024))).toBe('no_torso');
  });
});
