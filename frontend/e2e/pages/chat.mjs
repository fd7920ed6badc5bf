// The chat screen: the conversation list, the transcript and the composer.
import { expect } from './expect.mjs';

export class ChatPage {
  constructor(page) {
    this.page = page;
    this.composer = page.getByTestId('composer');
    this.conversations = page.getByTestId('conversation-item');
  }

  async newConversation(model) {
    await this.page.getByTestId('new-conversation').click();
    if (model) {
      await this.page.getByTestId('model-picker').selectOption(model);
    }
  }

  /** Types a message and sends it with Enter, as an agent does. */
  async submit(text) {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  /** Sends a message; returns once its answer has begun. */
  async send(text) {
    const answers = this.page.getByTestId('assistant-message');
    const before = await answers.count();
    await this.submit(text);
    await expect(async () => (await answers.count()) > before, 'the answer begins');
  }

  lastAnswer() {
    return this.page.getByTestId('assistant-message').last();
  }

  async answerStatus() {
    return this.lastAnswer().getAttribute('data-status');
  }

  /** Waits until the last answer is no longer streaming; returns its status. */
  async waitForAnswer(timeout = 60_000) {
    const answer = this.lastAnswer();
    await answer.waitFor();
    await expect(async () => (await answer.getAttribute('data-status')) !== 'streaming', 'the answer ends', timeout);
    return answer.getAttribute('data-status');
  }

  conversation(title) {
    return this.conversations.filter({ hasText: title });
  }

  async rename(from, to) {
    const item = this.conversation(from);
    await item.hover();
    await item.getByTestId('conversation-rename').click();
    const input = this.page.getByTestId('conversation-rename-input');
    await input.fill(to);
    await this.page.getByTestId('conversation-rename-save').click();
    await this.conversation(to).waitFor();
  }

  async delete(title) {
    const item = this.conversation(title);
    await item.hover();
    await item.getByTestId('conversation-delete').click();
    await this.page.getByTestId('confirm-ok').click();
    await expect(async () => (await this.conversation(title).count()) === 0, `"${title}" is gone`);
  }

  toolCard() {
    return this.page.getByTestId('tool-call-card').last();
  }
}
