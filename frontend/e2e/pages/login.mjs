// The sign-in page.
export class LoginPage {
  constructor(page) {
    this.page = page;
  }

  async open() {
    await this.page.goto('/');
    await this.page.getByTestId('login-form').waitFor();
  }

  async signIn(username, password) {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
    // The composer, not the user's name: a phone's header has no room for the name.
    await this.page.getByTestId('composer').waitFor();
  }
}
