import { chmod, mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Activity, Attachment } from '../core/index.js';

/** One line of the journal: a message kept, or a kept message whose turn has run. */
type JournalLine = { op: 'keep'; key: string; at: string; activity: StoredActivity } | { op: 'done'; key: string; at: string };

/** An activity as JSON: attachment bytes in base64. */
type StoredActivity = Omit<Activity, 'attachments'> & { attachments?: Array<Omit<Attachment, 'data'> & { dataBase64?: string }> };

/** A message kept in the journal, oldest first. */
export interface JournalEntry {
  /** `channel` + NUL + the channel's message id: the inbox's idempotency key. */
  key: string;
  activity: Activity;
  /** When it was kept (ISO 8601). */
  at: string;
}

/** The idempotency key of an activity, as the durable inbox has it. */
export function journalKey(activity: Activity): string {
  return `${activity.channel}\u0000${activity.channelMessageId ?? activity.id}`;
}

/**
 * An append-only local journal of inbound messages (JSON lines in `<dir>/inbound.jsonl`), for when the database is
 * unreachable: each record is appended and fsynced before `keep` returns, so an acknowledged message survives a
 * crash. The folder is created 0700 and the file 0600 (it holds customers' messages). When every kept message has
 * run, the file is truncated.
 */
export class InboundJournal {
  private readonly path: string;
  private file: FileHandle | undefined;
  private readonly pending = new Map<string, JournalEntry>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {
    this.path = join(dir, 'inbound.jsonl');
  }

  /** Reads what an earlier process left in the journal; call once before use. */
  async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let record: JournalLine;
      try {
        record = JSON.parse(line) as JournalLine;
      } catch {
        continue; // A line torn by a crash mid-append was never acknowledged.
      }
      if (record.op === 'keep') this.pending.set(record.key, { key: record.key, at: record.at, activity: fromStored(record.activity) });
      else this.pending.delete(record.key);
    }
  }

  /** Kept messages whose turns have not run, oldest first. */
  entries(): JournalEntry[] {
    return [...this.pending.values()];
  }

  /** True when a message of this conversation is waiting. */
  holds(conversationId: string): boolean {
    for (const entry of this.pending.values()) if (entry.activity.conversationId === conversationId) return true;
    return false;
  }

  /** Keeps `activity` durably (once per idempotency key); resolves when it is on disk. */
  async keep(activity: Activity): Promise<void> {
    const key = journalKey(activity);
    if (this.pending.has(key)) return;
    const entry: JournalEntry = { key, activity, at: new Date().toISOString() };
    this.pending.set(key, entry);
    try {
      await this.append({ op: 'keep', key, at: entry.at, activity: toStored(activity) });
    } catch (error) {
      this.pending.delete(key);
      throw error;
    }
  }

  /** Records that the turn of `key` has run (in the durable inbox now); truncates the file once nothing waits. */
  async done(key: string): Promise<void> {
    if (!this.pending.delete(key)) return;
    await this.append({ op: 'done', key, at: new Date().toISOString() });
  }

  async close(): Promise<void> {
    await this.writes.catch(() => undefined);
    await this.file?.close();
    this.file = undefined;
  }

  /** Appends one line and fsyncs; writes are serialized so lines never interleave. */
  private append(record: JournalLine): Promise<void> {
    const write = this.writes.then(async () => {
      const file = await this.handle();
      if (this.pending.size === 0 && record.op === 'done') {
        await file.truncate(0);
      } else {
        await file.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
      }
      await file.sync();
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async handle(): Promise<FileHandle> {
    if (this.file) return this.file;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const file = await open(this.path, 'a', 0o600);
    await file.chmod(0o600);
    // The new file's directory entry must reach the disk too.
    const dir = await open(this.dir, 'r');
    await dir.sync().finally(() => dir.close());
    this.file = file;
    return file;
  }
}

function toStored(activity: Activity): StoredActivity {
  const { raw, attachments, ...rest } = activity;
  const stored: StoredActivity = rest;
  if (raw !== undefined && serializable(raw)) stored.raw = raw;
  if (attachments?.length) {
    stored.attachments = attachments.map(({ data, ...attachment }) => (data ? { ...attachment, dataBase64: Buffer.from(data).toString('base64') } : attachment));
  }
  return stored;
}

function fromStored(stored: StoredActivity): Activity {
  const { attachments, ...rest } = stored;
  const activity: Activity = rest;
  if (attachments?.length) {
    activity.attachments = attachments.map(({ dataBase64, ...attachment }) => (dataBase64 ? { ...attachment, data: new Uint8Array(Buffer.from(dataBase64, 'base64')) } : attachment));
  }
  return activity;
}

/** A channel's raw payload is kept when it is plain JSON (adapters may read it when they answer). */
function serializable(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
