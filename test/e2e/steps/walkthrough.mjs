// The Get Started walkthrough: each step is ticked by what this workspace has done (last: after Translate).
import { until } from '../harness/workbench.mjs';

const STEPS = ['Create a config', 'Pretrain the encoder f', 'Train the classifier', 'Start training', 'Translate an image'];

export default {
  name: 'walkthrough',
  async run({ wb, check }) {
    const { page } = wb;
    await wb.palette('DTN: Get Started');
    await page.waitForSelector('.gettingStartedContainer :text("Get Started with DTN Studio")', { timeout: 30_000 });
    const tickedNow = async () => {
      const ticked = [];
      for (const title of STEPS) {
        const step = page.locator('.getting-started-step', { hasText: title }).first();
        if (await step.locator('.codicon-getting-started-step-checked').count()) ticked.push(title);
      }
      return ticked;
    };
    const ticked = await until('every step ticked', async () => ((await tickedNow()).length === STEPS.length ? true : undefined), 10_000)
      .then(() => STEPS)
      .catch(tickedNow);
    check(ticked.length === STEPS.length, `every step the e2e workspace went through is ticked (${ticked.join(', ')})`);
    await wb.screenshot('e2e-walkthrough');
  },
};
