import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type AIMessageChunk } from '@langchain/core/messages';
import { packageFile, ParleyError } from '../../../bot/core/index.js';
import { createLlamaCppChatModel, loadNodeLlamaCpp, toLlamaHistory, type LlamaCppChatModel } from './index.js';
import { encodeGguf, tinyVocabulary, writeTinyLlama, writeTinyLora } from './testing/index.js';

const installed = existsSync(packageFile('node_modules', 'node-llama-cpp', 'package.json'));
if (!installed) console.warn('node-llama-cpp (optional dependency) is not installed: skipping the tests that run a local model');
const withPackage = installed ? describe : describe.skip;

const failure = (promise: Promise<unknown>): Promise<Error> => promise.then(() => Promise.reject(new Error('expected a failure')), (e: Error) => e);
const question = [new SystemMessage('You answer customers of an apparel store.'), new HumanMessage('Where is my order #1234?')];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-llama-'));
  await writeTinyLlama(join(dir, 'tiny.gguf'));
  await writeTinyLora(join(dir, 'tiny-lora.gguf'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GGUF test files', () => {
  it('writes GGUF v3 with typed metadata and aligned tensor data', () => {
    const bytes = encodeGguf({ 'general.architecture': { type: 'string', value: 'llama' }, 'x.n': { type: 'u32', value: 7 } }, [{ name: 't', dims: [3], data: Float32Array.of(1, 2, 3) }]);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.readBigUInt64LE(8)).toBe(1n);
    expect(bytes.readBigUInt64LE(16)).toBe(2n);
    // The data section starts on a 32-byte boundary and ends padded to one.
    expect(bytes.length % 32).toBe(0);
    expect(bytes.readFloatLE(bytes.length - 32)).toBe(1);
    expect(() => encodeGguf({}, [{ name: 'bad', dims: [2, 2], data: new Float32Array(3) }])).toThrow(/need 4 values/);
  });

  it('has a SentencePiece vocabulary with byte fallback and special tokens', () => {
    const { tokens, types } = tinyVocabulary();
    expect(tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(tokens).toContain('<0x0A>');
    expect(types.filter((t) => t === 6)).toHaveLength(256);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('toLlamaHistory', () => {
  it('maps roles, merges consecutive turns and opens the model turn to generate', () => {
    const history = toLlamaHistory([
      new SystemMessage('rules'),
      new SystemMessage('sources'),
      new HumanMessage('hi'),
      new AIMessage('hello'),
      new HumanMessage({ content: [{ type: 'text', text: 'where is ' }, { type: 'text', text: 'my order?' }] }),
      new ToolMessage({ content: 'shipped', tool_call_id: 'c1', name: 'orders' }),
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'rules\n\nsources' },
      { type: 'user', text: 'hi' },
      { type: 'model', response: ['hello'] },
      { type: 'user', text: 'where is my order?\n\nResult of tool orders:\nshipped' },
      { type: 'model', response: [] },
    ]);
  });
});

describe('LlamaCppChatModel errors', () => {
  it('names a missing or non-GGUF model file, and a missing optional package', async () => {
    const missing = await failure((await createLlamaCppChatModel({ modelPath: join(dir, 'nope.gguf') })).invoke('hi'));
    expect(missing).toBeInstanceOf(ParleyError);
    expect(missing).toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/PARLEY_LOCAL_MODEL: cannot read .*nope\.gguf \(ENOENT\)/) });
    await writeFile(join(dir, 'text.gguf'), 'not a model');
    expect(await failure((await createLlamaCppChatModel({ modelPath: join(dir, 'text.gguf') })).invoke('hi'))).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('is not a GGUF file') });
    const lora = await failure((await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), loraPath: join(dir, 'text.gguf') })).invoke('hi'));
    expect(lora.message).toMatch(/^PARLEY_LOCAL_LORA: .* is not a GGUF file/);

    const absent = await failure(loadNodeLlamaCpp('node-llama-cpp-not-installed'));
    expect(absent).toMatchObject({ code: 'unsupported', details: { dependency: 'node-llama-cpp', version: '3.21.1' } });
    const model = await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), loadModule: () => loadNodeLlamaCpp('node-llama-cpp-not-installed') });
    expect(await failure(model.invoke('hi'))).toMatchObject({ code: 'unsupported', message: expect.stringContaining('npm install --save-optional --save-exact node-llama-cpp@3.21.1') });
    await expect(createLlamaCppChatModel({ modelPath: '' })).rejects.toThrow(/PARLEY_LOCAL_MODEL/);
  });
});

withPackage('LlamaCppChatModel on a tiny GGUF model (node-llama-cpp for real)', () => {
  let model: LlamaCppChatModel;
  beforeAll(async () => {
    model = await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), gpu: false, threads: 1, contextSize: 256, maxTokens: 24, temperature: 0 });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('loads the model and answers a prompt with token usage', async () => {
    expect(await model.load()).toEqual({ contextSize: 256, gpu: false });
    const answer = await model.invoke(question);
    expect(typeof answer.content).toBe('string');
    expect((answer.content as string).length).toBeGreaterThan(0);
    const usage = answer.usage_metadata!;
    expect(usage.input_tokens).toBeGreaterThan(10);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeLessThanOrEqual(24);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(answer.response_metadata).toMatchObject({ stop_reason: expect.any(String), model_name: join(dir, 'tiny.gguf') });

    const result = await model.generate([question]);
    expect(result.llmOutput).toEqual({ tokenUsage: { promptTokens: usage.input_tokens, completionTokens: expect.any(Number), totalTokens: expect.any(Number) } });
    // Greedy decoding on a fresh sequence: the same prompt gives the same answer (no state leaks between calls).
    expect(result.generations[0]![0]!.text).toBe(answer.content);
    // A longer conversation costs more prompt tokens.
    const longer = await model.invoke([...question, new AIMessage('It shipped yesterday.'), new HumanMessage('And when will it arrive?')]);
    expect(longer.usage_metadata!.input_tokens).toBeGreaterThan(usage.input_tokens);
  });

  it('streams the same answer in pieces, ending with the usage', async () => {
    const whole = await model.invoke(question);
    const chunks: AIMessageChunk[] = [];
    for await (const chunk of await model.stream(question)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.map((c) => c.content).join('')).toBe(whole.content);
    expect(chunks[chunks.length - 1]!.usage_metadata).toEqual(whole.usage_metadata);
  });

  it('stops generating when the signal aborts, and stays usable', async () => {
    const controller = new AbortController();
    const long = await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), gpu: false, threads: 1, contextSize: 256, maxTokens: 200, temperature: 0 });
    try {
      const pieces: string[] = [];
      const stopped = await failure(
        (async () => {
          for await (const chunk of await long.stream(question, { signal: controller.signal })) {
            pieces.push(chunk.content as string);
            if (pieces.length === 3) controller.abort(new Error('the customer left'));
          }
        })(),
      );
      expect(stopped.message).toBe('the customer left');
      expect(pieces.length).toBeGreaterThanOrEqual(3);
      expect(pieces.length).toBeLessThan(60);
      // Aborted before it starts: rejects without generating.
      expect((await failure(long.invoke(question, { signal: AbortSignal.abort() }))).message).toMatch(/abort/i);
      // The slot was released: the next call answers.
      const after = await long.invoke(question, { maxTokens: 5 });
      expect(after.usage_metadata!.output_tokens).toBeLessThanOrEqual(5);
    } finally {
      await long.dispose();
    }
  });

  it('queues concurrent calls beyond its parallel sequences', async () => {
    const answers = await Promise.all([model.invoke(question), model.invoke(question), model.invoke(question)]);
    expect(new Set(answers.map((a) => a.content)).size).toBe(1);
  });

  it('loads a LoRA adapter, which changes the answers, and rejects one for another model', async () => {
    const adapted = await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), loraPath: join(dir, 'tiny-lora.gguf'), gpu: false, threads: 1, contextSize: 256, maxTokens: 24, temperature: 0 });
    const mismatched = join(dir, 'other-lora.gguf');
    await writeTinyLora(mismatched, { embedding: 32 });
    const wrong = await createLlamaCppChatModel({ modelPath: join(dir, 'tiny.gguf'), loraPath: mismatched, gpu: false, threads: 1, contextSize: 256 });
    try {
      const base = await model.invoke(question);
      const tuned = await adapted.invoke(question);
      expect(tuned.response_metadata).toMatchObject({ lora: join(dir, 'tiny-lora.gguf') });
      expect(tuned.content).not.toBe(base.content);
      expect(await failure(wrong.invoke(question))).toMatchObject({ code: 'config_invalid', message: expect.stringContaining(`with the LoRA adapter ${mismatched}`) });
      expect((await failure(wrong.invoke(question))).message).toMatch(/incorrect shape|Failed to initialize LoRA adapter/);
    } finally {
      await adapted.dispose();
      await wrong.dispose();
    }
  });
});
