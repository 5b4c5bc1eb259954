/** A message's language as detected offline. */
export interface DetectedLanguage {
  /** ISO 639-1 code (`en`, `de`, …); `und` when unknown. */
  code: string;
  /** The detector's probability (0–1). */
  confidence: number;
  /** `fasttext` (lid.176 through fasttext.wasm.js) or `stopwords` (the built-in fallback). */
  detector: 'fasttext' | 'stopwords';
}

interface LidModel {
  identify(text: string): Promise<{ alpha2: string | null; possibility: number }>;
}

/** Frequent function words of languages customers write in, for the fallback detector. */
const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'is', 'and', 'my', 'how', 'what', 'where', 'do', 'can', 'i', 'to', 'it', 'you', 'of', 'for', 'a'],
  de: ['der', 'die', 'das', 'ist', 'und', 'mein', 'meine', 'wie', 'wo', 'ich', 'nicht', 'ein', 'eine', 'kann', 'mit', 'bitte'],
  fr: ['le', 'la', 'les', 'est', 'et', 'mon', 'ma', 'comment', 'où', 'je', 'pas', 'un', 'une', 'pour', 'avec', 'vous'],
  es: ['el', 'la', 'los', 'es', 'y', 'mi', 'cómo', 'dónde', 'yo', 'no', 'un', 'una', 'para', 'con', 'por', 'qué'],
  it: ['il', 'lo', 'la', 'è', 'e', 'mio', 'mia', 'come', 'dove', 'io', 'non', 'un', 'una', 'per', 'con', 'che'],
  pt: ['o', 'a', 'os', 'é', 'e', 'meu', 'minha', 'como', 'onde', 'eu', 'não', 'um', 'uma', 'para', 'com', 'que'],
  nl: ['de', 'het', 'is', 'en', 'mijn', 'hoe', 'waar', 'ik', 'niet', 'een', 'voor', 'met', 'kan', 'wat', 'je', 'van'],
};

/** The stopword fallback: the language whose function words cover most tokens; `und` when none do. Pure. */
export function detectByStopwords(text: string): DetectedLanguage {
  const tokens = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (/[\u3040-\u30ff]/u.test(text)) return { code: 'ja', confidence: 0.9, detector: 'stopwords' };
  if (/[\u4e00-\u9fff]/u.test(text)) return { code: 'zh', confidence: 0.9, detector: 'stopwords' };
  if (/[\u0400-\u04ff]/u.test(text)) return { code: 'ru', confidence: 0.8, detector: 'stopwords' };
  if (/[\u0600-\u06ff]/u.test(text)) return { code: 'ar', confidence: 0.8, detector: 'stopwords' };
  let best = { code: 'und', hits: 0 };
  for (const [code, words] of Object.entries(STOPWORDS)) {
    const set = new Set(words);
    const hits = tokens.filter((t) => set.has(t)).length;
    if (hits > best.hits) best = { code, hits };
  }
  return { code: best.code, confidence: tokens.length ? Math.min(1, best.hits / tokens.length + 0.3) : 0, detector: 'stopwords' };
}

/**
 * Offline language identification: fastText's lid.176 model (bundled with the `fasttext.wasm.js` package, loaded
 * from node_modules, nothing downloaded) on first use; when it cannot load, {@link detectByStopwords}.
 */
export class LanguageDetector {
  #model: Promise<LidModel | undefined> | undefined;
  /** Why fastText is not used, when it failed to load. */
  loadError: string | undefined;

  #load(): Promise<LidModel | undefined> {
    this.#model ??= (async () => {
      try {
        const { getLIDModel } = (await import('fasttext.wasm.js')) as { getLIDModel: () => Promise<LidModel & { load(): Promise<unknown> }> };
        const model = await getLIDModel();
        await model.load();
        return model;
      } catch (error) {
        this.loadError = error instanceof Error ? error.message : String(error);
        return undefined;
      }
    })();
    return this.#model;
  }

  /** Detects the language of `text` (one line; newlines are joined). */
  async detect(text: string): Promise<DetectedLanguage> {
    const line = text.replace(/\s+/g, ' ').trim();
    if (!line) return { code: 'und', confidence: 0, detector: 'stopwords' };
    const model = await this.#load();
    if (!model) return detectByStopwords(line);
    const result = await model.identify(line);
    return { code: result.alpha2 ?? 'und', confidence: Math.min(1, Math.max(0, result.possibility)), detector: 'fasttext' };
  }
}

/** "A person from our team will help you here", in the languages Parley knows; English otherwise. */
export const PERSON_WILL_HELP: Record<string, string> = {
  en: "I can only answer in English myself, so I'm passing you to a person from our team, who will reply here.",
  de: 'Ich kann leider nur auf Englisch antworten. Eine Person aus unserem Team übernimmt und antwortet Ihnen hier.',
  fr: "Je ne peux répondre qu'en anglais. Une personne de notre équipe va prendre le relais et vous répondra ici.",
  es: 'Solo puedo responder en inglés. Una persona de nuestro equipo se encargará y le responderá aquí.',
  it: 'Posso rispondere solo in inglese. Una persona del nostro team la aiuterà e le risponderà qui.',
  pt: 'Só consigo responder em inglês. Uma pessoa da nossa equipa vai ajudá-lo e responderá aqui.',
  nl: 'Ik kan alleen in het Engels antwoorden. Iemand van ons team neemt het over en antwoordt u hier.',
  pl: 'Mogę odpowiadać tylko po angielsku. Osoba z naszego zespołu przejmie rozmowę i odpowie tutaj.',
  sv: 'Jag kan bara svara på engelska. En person från vårt team tar över och svarar dig här.',
  da: 'Jeg kan kun svare på engelsk. En person fra vores team tager over og svarer dig her.',
  tr: 'Yalnızca İngilizce yanıt verebiliyorum. Ekibimizden biri size buradan yardımcı olacak.',
  ru: 'Я могу отвечать только на английском. Сотрудник нашей команды подключится и ответит вам здесь.',
  ja: '英語でのみお答えできます。担当者が引き継ぎ、こちらでご返信いたします。',
  zh: '我只能用英语回答。我们团队的工作人员将接手并在这里回复您。',
  ar: 'يمكنني الرد باللغة الإنجليزية فقط. سيتولى أحد أعضاء فريقنا الأمر ويرد عليك هنا.',
};

/** The handoff message for `code`, with the English one after it when the language is one Parley has a text for. */
export function personWillHelp(code: string): string {
  const local = PERSON_WILL_HELP[code];
  return local && code !== 'en' ? `${local}\n\n${PERSON_WILL_HELP.en}` : (PERSON_WILL_HELP.en as string);
}
