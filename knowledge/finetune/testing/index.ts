/** Test doubles for fine-tuning: a local fake of OpenAI's Files and Fine-tuning Jobs APIs. */
export { startFakeOpenAIFineTune, validateChatJsonl, type FakeFile, type FakeFineTuneRequest, type FakeOpenAIFineTune, type FakeOpenAIFineTuneOptions } from './fake-openai-finetune.js';
