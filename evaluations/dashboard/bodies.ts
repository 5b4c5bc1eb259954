import { z } from 'zod';

/** A required, non-blank text of at most `max` characters (trimmed). */
const text = (max: number) => z.string().trim().min(1, 'is required (a non-empty text)').max(max, `at most ${max} characters`);

/** A list of 1 to 1,000 ids, each a non-blank text of at most 200 characters (trimmed). */
const idList = z.array(z.string().trim().min(1).max(200)).min(1, 'is required (a list of 1 to 1,000 ids)').max(1000, 'at most 1,000 ids');

/** `POST /dashboard/login` (a form or JSON): the sign-in form's CSRF token, e-mail and password, each optional here. */
export const LoginBody = z.object({ csrf: z.string().max(500).optional(), email: z.string().max(1000).optional(), password: z.string().max(1000).optional() }).optional().default({});
/** `POST /dashboard/api/users`: the user's e-mail, password and role (checked further by `createDashboardUser`). */
export const NewUserBody = z.object({ email: z.string().max(1000), password: z.string().max(1000), role: z.string().max(20) });
/** `POST /dashboard/api/users/:id/grants`: access to one channel or conversation. */
export const GrantBody = z.object({ kind: z.enum(['channel', 'conversation']), value: text(200) });
/** `POST /dashboard/api/conversations/:id/labels`. */
export const LabelBody = z.object({ label: text(60) });
/** `POST /dashboard/api/conversations/:id/notes`. */
export const NoteBody = z.object({ text: text(4000) });
/** `POST /dashboard/api/clusters/:id/rename`. */
export const RenameBody = z.object({ name: text(200) });
/** `POST /dashboard/api/clusters/:id/text`: the cluster's canonical answer. */
export const ClusterTextBody = z.object({ text: text(4000) });
/** `POST /dashboard/api/clusters/:id/merge`: the clusters merged into this one. */
export const MergeBody = z.object({ ids: idList });
/** `POST /dashboard/api/clusters/:id/split`: the tickets split off into a new cluster. */
export const SplitBody = z.object({ tickets: idList });
