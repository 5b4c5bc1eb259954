import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../bot/core/testing/wait.js';

/** Debian's dovecot-imapd binary. */
export const DOVECOT_BINARY = '/usr/sbin/dovecot';

/** A private Dovecot IMAP server for tests, on 127.0.0.1 with one plain-password user. */
export interface DovecotServer {
  port: number;
  user: string;
  pass: string;
  /** `imap://user:pass@127.0.0.1:port/INBOX` */
  url: string;
  /** Dovecot's log so far (for failure messages). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (closed again right away; Dovecot binds it next). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** uid and gid of a system account from /etc/passwd, if it exists. */
function systemAccount(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const fields = line?.split(':');
  return fields ? { uid: Number(fields[2]), gid: Number(fields[3]) } : undefined;
}

/** The name of a group id from /etc/group (Dovecot's settings want names). */
function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}

/** Resolves once something listens on `port` (the shared `waitFor`); rejects as soon as `child` has exited. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`dovecot exited with code ${child.exitCode}`);
    return new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(socket.destroy() !== undefined));
      socket.once('error', () => resolve(false));
    });
  }, timeoutMs, `dovecot to listen on port ${port}`);
}

/**
 * Starts Dovecot as a child process (`dovecot -F -c <conf>`) with its own configuration, state and Maildir in a
 * temporary folder. Run as root (CI), Dovecot's login processes use Debian's `dovenull` account and mail is kept
 * as the `dovecot` account (Dovecot refuses uid 0 for mail); run as another user, everything runs as that user.
 */
export async function startDovecot(options: { user?: string; pass?: string; timeoutMs?: number } = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT_BINARY)) throw new Error(`${DOVECOT_BINARY} is missing (apt-get install dovecot-imapd)`);
  const user = options.user ?? 'parley';
  const pass = options.pass ?? 'parley-test-password';
  const dir = await mkdtemp(join(tmpdir(), 'parley-dovecot-'));
  const me = userInfo();
  const root = me.uid === 0;
  const mailAccount = root ? (systemAccount('dovecot') ?? systemAccount('nobody')) : { uid: me.uid, gid: me.gid };
  if (!mailAccount) throw new Error('no unprivileged account (dovecot or nobody) to keep the test mail as');
  const mailRoot = join(dir, 'mail');
  await mkdir(mailRoot);
  if (root) {
    // The mail processes run unprivileged and must reach <dir>/mail.
    await chmod(dir, 0o755);
    await chown(mailRoot, mailAccount.uid, mailAccount.gid);
  }
  const port = await freePort();
  const logPath = join(dir, 'dovecot.log');
  await writeFile(join(dir, 'users'), `${user}:{PLAIN}${pass}\n`);
  const internalUser = root ? 'dovecot' : me.username;
  const config = `
protocols = imap
listen = 127.0.0.1
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${logPath}
info_log_path = ${logPath}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:${mailRoot}/%u/Maildir
default_internal_user = ${internalUser}
default_internal_group = ${root ? 'dovecot' : groupName(me.gid)}
default_login_user = ${root ? 'dovenull' : me.username}
first_valid_uid = ${Math.min(mailAccount.uid, 500)}
first_valid_gid = ${Math.min(mailAccount.gid, 500)}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(dir, 'users')}
}
userdb {
  driver = static
  args = uid=${mailAccount.uid} gid=${mailAccount.gid} home=${mailRoot}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`;
  const configPath = join(dir, 'dovecot.conf');
  await writeFile(configPath, config);
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const log = async () => `${stderr}${await readFile(logPath, 'utf8').catch(() => '')}`;
  const stop = async () => {
    if (child.exitCode === null) {
      let timer: NodeJS.Timeout | undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, options.timeoutMs ?? 10_000);
  } catch (error) {
    const text = await log();
    await stop();
    throw new Error(`${(error as Error).message}\n${text}`, { cause: error });
  }
  return { port, user, pass, url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/INBOX`, log, stop };
}
