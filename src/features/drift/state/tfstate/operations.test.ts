import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StateOperationError, importResource, moveResource, parseAddress, removeResource } from './operations';
import { parseTfState, serializeTfState, stateInstances } from './tfstate';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const load = (name: string) => parseTfState(fs.readFileSync(path.join(fixtures, name), 'utf8'));
const addresses = (state: ReturnType<typeof load>) => stateInstances(state).map((i) => i.address);

describe('resource addresses', () => {
  it('parses modules, data sources and index keys', () => {
    expect(parseAddress('module.net.aws_subnet.private[1]')).toEqual({ module: 'module.net', mode: 'managed', type: 'aws_subnet', name: 'private', indexKey: 1 });
    expect(parseAddress('aws_iam_user.developers["alice"]')).toMatchObject({ indexKey: 'alice' });
    expect(parseAddress('data.aws_ami.ubuntu')).toMatchObject({ mode: 'data', type: 'aws_ami' });
    expect(() => parseAddress('aws_instance')).toThrow(StateOperationError);
    expect(() => parseAddress('aws_instance.web; rm -rf /')).toThrow(StateOperationError);
  });
});

describe('import, remove, move', () => {
  it('imports a managed resource in terraform\'s sorted position with the id as attribute', () => {
    const state = load('web.tfstate');
    const address = importResource(state, { type: 'aws_eip', name: 'web', id: 'eipalloc-1', attributes: { domain: 'vpc' } });
    expect(address).toBe('aws_eip.web');
    expect(addresses(state)).toEqual(['data.aws_ami.ubuntu', 'aws_eip.web', 'aws_instance.web_server', 'aws_s3_bucket.assets', 'aws_security_group.web']);
    const imported = state.resources.find((r) => r.type === 'aws_eip')!;
    expect(imported.provider).toBe('provider["registry.terraform.io/hashicorp/aws"]');
    expect(imported.instances[0]!.attributes).toEqual({ domain: 'vpc', id: 'eipalloc-1' });
    expect(parseTfState(serializeTfState(state)).resources.length).toBe(5);
  });

  it('refuses to import over an existing address', () => {
    const state = load('web.tfstate');
    expect(() => importResource(state, { type: 'aws_instance', name: 'web_server', id: 'i-1' })).toThrow(/already exists/);
  });

  it('removes by address, by instance address and by provider id', () => {
    const state = load('modules.tfstate');
    expect(removeResource(state, 'module.network.aws_subnet.private[0]')).toEqual(['module.network.aws_subnet.private[0]']);
    expect(removeResource(state, 'alice')).toEqual(['aws_iam_user.developers["alice"]']);
    expect(removeResource(state, 'module.database.aws_db_instance.main')).toEqual(['module.database.aws_db_instance.main']);
    expect(addresses(state)).toEqual(['aws_iam_user.developers["bob"]', 'module.network.aws_subnet.private[1]']);
    expect(() => removeResource(state, 'aws_instance.nothing')).toThrow(expect.objectContaining({ kind: 'not_found' }));
  });

  it('renames a resource, moves an instance into a module, refuses an existing target or a missing source', () => {
    const state = load('modules.tfstate');
    expect(moveResource(state, 'aws_iam_user.developers', 'aws_iam_user.engineers')).toEqual({ from: 'aws_iam_user.developers', to: 'aws_iam_user.engineers' });
    moveResource(state, 'module.network.aws_subnet.private[1]', 'module.edge.aws_subnet.public[0]');
    expect(addresses(state)).toContain('module.edge.aws_subnet.public[0]');
    expect(addresses(state)).toContain('module.network.aws_subnet.private[0]');
    expect(() => moveResource(state, 'module.edge.aws_subnet.public', 'module.network.aws_subnet.private')).toThrow(expect.objectContaining({ kind: 'conflict' }));
    expect(() => moveResource(state, 'aws_iam_user.developers', 'aws_iam_user.x')).toThrow(expect.objectContaining({ kind: 'not_found' }));
    expect(() => moveResource(state, 'aws_iam_user.engineers', 'aws_iam_role.x')).toThrow(expect.objectContaining({ kind: 'invalid' }));
  });
});
