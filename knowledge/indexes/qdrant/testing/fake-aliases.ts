import { FakeQdrantError, isObject } from './fake-filter.js';

/** An alias as `GET /aliases` lists it (Qdrant's `AliasDescription`). */
export interface AliasDescription {
  alias_name: string;
  collection_name: string;
}

/** A request body Qdrant could not deserialize: 400 with serde's "Json deserialize error" prefix. */
function malformed(message: string): FakeQdrantError {
  return new FakeQdrantError(400, `Json deserialize error: ${message}`);
}

/** A name field: any string (Qdrant checks no charset or length; a missing collection is caught by its existence). */
function name(value: unknown, field: string): string {
  if (typeof value !== 'string') throw malformed(`${field} must be a string`);
  return value;
}

type Action =
  | { kind: 'create'; alias: string; collection: string }
  | { kind: 'delete'; alias: string }
  | { kind: 'rename'; from: string; to: string };

/** Parses one of Qdrant's `AliasOperations` (exactly one of `create_alias`, `delete_alias`, `rename_alias`). */
function parseAction(raw: unknown, i: number): Action {
  if (!isObject(raw)) throw malformed(`actions[${i}] must be an object`);
  const kinds = Object.keys(raw).filter((k) => ['create_alias', 'delete_alias', 'rename_alias'].includes(k));
  if (kinds.length !== 1) throw malformed(`actions[${i}] needs exactly one of create_alias, delete_alias, rename_alias`);
  const op = raw[kinds[0]!];
  if (!isObject(op)) throw malformed(`actions[${i}].${kinds[0]} must be an object`);
  if (kinds[0] === 'create_alias') return { kind: 'create', alias: name(op.alias_name, 'alias_name'), collection: name(op.collection_name, 'collection_name') };
  if (kinds[0] === 'delete_alias') return { kind: 'delete', alias: name(op.alias_name, 'alias_name') };
  return { kind: 'rename', from: name(op.old_alias_name, 'old_alias_name'), to: name(op.new_alias_name, 'new_alias_name') };
}

/**
 * The aliases of the fake Qdrant, after Qdrant's collection-alias semantics
 * (https://qdrant.tech/documentation/concepts/collections/#collection-aliases): an alias names one collection and is
 * resolved wherever a collection name is taken; `create_alias` needs an existing collection (404) and a name that is
 * not a collection's (409) and replaces an alias of that name; `delete_alias` of a missing alias is not an error;
 * `rename_alias` needs the old alias (404). A whole `POST /collections/aliases` request is parsed before anything is
 * applied; its actions then run in order under one lock, as in Qdrant, so no reader sees a state between them (an
 * action that fails stops the request and, as in Qdrant, the actions before it stay applied).
 */
export class FakeAliases {
  /** Alias name → collection name. */
  readonly targets = new Map<string, string>();

  /** The collection `nameOrAlias` refers to (itself when it is no alias). */
  resolve(nameOrAlias: string): string {
    return this.targets.get(nameOrAlias) ?? nameOrAlias;
  }

  /** Applies a `ChangeAliasesOperation` body; `exists` tells whether a collection of that name exists. */
  update(body: unknown, exists: (collection: string) => boolean): true {
    if (!isObject(body)) throw malformed('expected a ChangeAliasesOperation object');
    if (!Array.isArray(body.actions)) throw malformed('missing field `actions` (an array of alias operations)');
    const actions = body.actions.map(parseAction);
    for (const action of actions) {
      if (action.kind === 'create') {
        if (!exists(action.collection)) throw new FakeQdrantError(404, `Not found: Collection \`${action.collection}\` doesn't exist!`);
        if (exists(action.alias)) throw new FakeQdrantError(409, `Wrong input: Collection \`${action.alias}\` already exists!`);
        this.targets.set(action.alias, action.collection);
      } else if (action.kind === 'delete') {
        this.targets.delete(action.alias);
      } else {
        const target = this.targets.get(action.from);
        if (target === undefined) throw new FakeQdrantError(404, `Not found: Alias ${action.from} does not exists!`);
        this.targets.delete(action.from);
        this.targets.set(action.to, target);
      }
    }
    return true;
  }

  /** Every alias, or those of one collection, as `CollectionsAliasesResponse`. */
  list(collection?: string): { aliases: AliasDescription[] } {
    const aliases = [...this.targets].filter(([, target]) => collection === undefined || target === collection);
    return { aliases: aliases.map(([alias_name, collection_name]) => ({ alias_name, collection_name })) };
  }

  /** Forgets the aliases of a deleted collection, as Qdrant does when it drops one. */
  dropCollection(collection: string): void {
    for (const [alias, target] of this.targets) if (target === collection) this.targets.delete(alias);
  }
}
