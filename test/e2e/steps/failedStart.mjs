// A config whose encoder is missing: the start fails with the cause and offers the fix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { config } from '../../integration/workspace.mjs';

export default {
  name: 'failed start',
  async run({ wb, check, ws }) {
    fs.writeFileSync(path.join(ws, 'broken.dtn.json'), JSON.stringify({ ...config, name: 'broken', encoder: { path: 'no-such-encoder' } }));
    await wb.palette('DTN: Start Training', 'broken.dtn.json');
    await wb.answerRunLabel();
    await wb.notification('failed: No encoder', 60_000);
    const fix = wb.page.locator('.notification-toast .monaco-button', { hasText: 'Pretrain Encoder' }).first();
    await fix.waitFor({ timeout: 10_000 });
    check(await fix.isVisible(), 'the notification offers Pretrain Encoder');
    await wb.screenshot('e2e-crash');
  },
};
