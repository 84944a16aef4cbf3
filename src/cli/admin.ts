import { buildApp } from '../app/compose';
import { configFromArgs } from './options';

export async function admin(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') {
    process.stderr.write('Usage: vigil admin create --username U --email E --password P [--role admin|member|viewer]\n');
    return 2;
  }
  const { config, values } = configFromArgs(rest, {
    username: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string' },
  });
  const username = values.username as string | undefined;
  const email = values.email as string | undefined;
  const password = (values.password as string | undefined) ?? process.env.VIGIL_ADMIN_PASSWORD;
  const role = (values.role as string | undefined) ?? 'admin';
  if (!username || !email || !password || password.length < 8 || !['admin', 'member', 'viewer', 'user'].includes(role)) {
    process.stderr.write('vigil admin create: --username, --email and --password (8+ characters) are required; --role is admin, member or viewer\n');
    return 2;
  }
  const vigil = await buildApp({ config: { ...config, backgroundJobs: false, cluster: 'off', adminUsername: undefined, adminEmail: undefined, adminPassword: undefined, logLevel: 'warn' } });
  try {
    const user = await vigil.core.accounts.createUser({ username, email, password }, role === 'user' ? 'member' : (role as 'admin' | 'member' | 'viewer'));
    process.stdout.write(`created ${role} ${user.username} (${user.id})\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`vigil admin create: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await vigil.close();
  }
}
