// The administration screens.
export class AdminPage {
  constructor(page) {
    this.page = page;
  }

  async open(section) {
    await this.page.getByTestId('admin-nav').click();
    await this.page.getByTestId(`admin-nav-${section}`).click();
  }

  /** Creates an API key; returns the key as the console shows it, once. */
  async createApiKey(name, scopes) {
    await this.open('api-keys');
    await this.page.getByTestId('api-key-name').fill(name);
    for (const scope of scopes) {
      await this.page.getByTestId(`api-key-scope-${scope}`).check();
    }
    await this.page.getByTestId('api-key-create').click();
    const shown = this.page.getByTestId('api-key-shown');
    await shown.waitFor();
    return (await shown.textContent()).trim();
  }

  async createTenant(slug, name, username, password) {
    await this.open('tenants');
    await this.page.getByTestId('tenant-slug').fill(slug);
    await this.page.getByTestId('tenant-name').fill(name);
    await this.page.getByTestId('tenant-admin-username').fill(username);
    await this.page.getByTestId('tenant-admin-password').fill(password);
    await this.page.getByTestId('tenant-create').click();
    await this.page.getByTestId('tenant-row').filter({ hasText: slug }).waitFor();
  }
}
