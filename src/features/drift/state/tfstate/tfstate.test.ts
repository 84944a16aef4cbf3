import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RawNumber } from './go-json';
import { TfStateError, parseTfState, plainOutputs, serializeTfState, stateInstances } from './tfstate';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

describe('terraform state v4: byte-for-byte round trip of terraform\'s formatting', () => {
  for (const name of ['web.tfstate', 'modules.tfstate', 'escapes.tfstate']) {
    it(`${name} serializes back to the exact bytes it was read from`, () => {
      const text = read(name);
      expect(serializeTfState(parseTfState(text))).toBe(text);
    });
  }

  it('web.tfstate matches an independent formatter (JSON.stringify with 2 spaces) too, so the fixture itself is terraform-shaped', () => {
    const text = read('web.tfstate');
    expect(`${JSON.stringify(JSON.parse(text), null, 2)}\n`).toBe(text);
  });

  it('keeps Go\'s HTML escaping, integer-like key order and number text that a double cannot reproduce', () => {
    const state = parseTfState(read('escapes.tfstate'));
    const attributes = state.resources[0]!.instances[0]!.attributes!;
    expect(attributes.description).toBe('Deploy & release <ci>');
    expect(Object.keys(attributes.tags as object)).toEqual(['9', '10', 'Owner']); // JS order; the writer restores 10, 9
    expect(attributes.max_session).toBeInstanceOf(RawNumber);
    expect(state.outputs.ratio!.value).toBeInstanceOf(RawNumber);
    const written = serializeTfState(state);
    expect(written).toContain('"description": "Deploy \\u0026 release \\u003cci\\u003e"');
    expect(written.indexOf('"10": "ten"')).toBeLessThan(written.indexOf('"9": "nine"'));
  });

  it('writes edited values the way terraform would (new strings escaped Go-style, sorted layout kept)', () => {
    const state = parseTfState(read('web.tfstate'));
    state.serial += 1;
    (state.resources[1]!.instances[0]!.attributes!.tags as Record<string, string>).Owner = 'a&b';
    const written = serializeTfState(state);
    expect(written).toContain('"serial": 13,');
    expect(written).toContain('"Owner": "a\\u0026b"');
    expect(parseTfState(written).serial).toBe(13);
  });
});

describe('terraform state v4: reading', () => {
  it('lists instances with addresses for modules, count and for_each keys, data sources', () => {
    const modules = stateInstances(parseTfState(read('modules.tfstate')));
    expect(modules.map((i) => i.address)).toEqual([
      'aws_iam_user.developers["alice"]',
      'aws_iam_user.developers["bob"]',
      'module.database.aws_db_instance.main',
      'module.network.aws_subnet.private[0]',
      'module.network.aws_subnet.private[1]',
    ]);
    expect(modules[3]).toMatchObject({ module: 'module.network', indexKey: 0, type: 'aws_subnet', name: 'private' });
    const web = stateInstances(parseTfState(read('web.tfstate')));
    expect(web[0]).toMatchObject({ address: 'data.aws_ami.ubuntu', mode: 'data' });
    const sg = web.find((i) => i.type === 'aws_security_group')!;
    expect((sg.attributes.ingress as unknown[]).length).toBe(2);
  });

  it('hides sensitive outputs in plain outputs', () => {
    const outputs = plainOutputs(parseTfState(read('web.tfstate')));
    expect(outputs.db_password).toBe('(sensitive)');
    expect(outputs.web_private_ips).toEqual(['10.0.1.100']);
  });

  it.each([
    ['not json', 'State is not valid JSON'],
    ['[]', 'must be a JSON object'],
    ['{"version":3,"serial":1,"lineage":"x"}', 'Unsupported state format version 3'],
    ['{"version":4,"serial":1}', 'no lineage'],
    ['{"version":4,"serial":-1,"lineage":"x"}', 'serial'],
    ['{"version":4,"serial":1,"lineage":"x","resources":{}}', 'resources must be an array'],
    ['{"version":4,"serial":1,"lineage":"x","resources":[{"mode":"x"}]}', 'mode must be managed or data'],
    ['{"version":4,"serial":1,"lineage":"x","a":1,"a":2}', 'duplicate key'],
    ['{"version":4,"serial":1,"lineage":"x"} trailing', 'trailing'],
  ])('refuses %s with a reason', (text, reason) => {
    expect(() => parseTfState(text)).toThrow(TfStateError);
    expect(() => parseTfState(text)).toThrow(reason);
  });
});
