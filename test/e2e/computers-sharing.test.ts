// Sharing (F2.11) through the real UI, with two users in two browser contexts against the
// real Worker: the owner shares a computer by e-mail, the other user sees it with "Shared by
// <owner>", the owner turns on public access (its clickable mark opens the sharing dialog),
// and revokes the share, which takes the computer out of the other user's open list.
// Set E2E_SCREENSHOTS=<dir> to keep screenshots for a look by eye.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  connectAgent,
  createAccount,
  linkComputer,
  listComputers,
  signIn,
  waitForComputer,
  type Account,
  type AgentConnection,
  type LinkedComputer,
} from "./backend";
import { shownText, usePage } from "./browser-fixture";
import { screenshot, uniqueEmail } from "./harness";

const fixture = usePage();
const baseUrl = fixture.baseUrl;

let owner: Account;
let friend: Account;
let ownerCookie: string;
let friendCookie: string;
let laptop: LinkedComputer;
let agent: AgentConnection;

/** `page` (its own browser context) signed in as `account`, on its computers list. */
async function openAs(account: Account, page: Page): Promise<Page> {
  await fixture.signInBrowser(account, page.context());
  await fixture.openComputers(".computer-row, .empty-state", page);
  return page;
}

beforeAll(async () => {
  owner = await createAccount(baseUrl, "sharing-owner");
  friend = await createAccount(baseUrl, "sharing-friend");
  ownerCookie = await signIn(baseUrl, owner);
  friendCookie = await signIn(baseUrl, friend);
  laptop = await linkComputer(baseUrl, owner, { name: "Finance laptop", os: "windows", installed: true });
  agent = await connectAgent(baseUrl, laptop, { name: "Finance laptop", os: "windows", installed: true });
  await waitForComputer(baseUrl, ownerCookie, laptop.computerId, (c) => c.status === "online");
});

afterAll(async () => {
  await agent?.close();
});

describe("sharing a computer", () => {
  test("the owner shares by e-mail, the other user sees it as shared, public access shows its mark, revoking takes it away", async () => {
    const ownerPage = await openAs(owner, fixture.page);
    const friendPage = await openAs(friend, await fixture.newPage());
    const laptopRow = (page: Page) => page.locator(`.computer-row[data-computer-id="${laptop.computerId}"]`);
    await laptopRow(ownerPage).waitFor();
    expect(await laptopRow(friendPage).count()).toBe(0);
    await friendPage.locator('[data-live="open"]').waitFor();

    await laptopRow(ownerPage).getByRole("button", { name: "Actions for Finance laptop" }).click();
    await ownerPage.getByRole("menuitem", { name: "Sharing…" }).click();
    const dialog = ownerPage.getByRole("dialog", { name: "Sharing" });
    await dialog.getByText("Only you. Add someone above.").waitFor();
    const email = dialog.getByLabel("Share with another Edgedesk user");

    // An address without an account: the server's answer, next to the field.
    await email.fill(uniqueEmail("nobody"));
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.locator(".field-error", { hasText: "No Edgedesk account uses" }).waitFor();
    // Your own address.
    await email.fill(owner.email);
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.locator(".field-error", { hasText: "your own computer" }).waitFor();
    await ownerPage.keyboard.press("Tab");

    await email.fill(friend.email);
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.getByRole("status").filter({ hasText: `Shared with ${friend.email}.` }).waitFor();
    await dialog.locator(".share-item", { hasText: friend.email }).waitFor();
    expect(await dialog.locator(".field-error").count()).toBe(0);
    // Twice: said so.
    await email.fill(friend.email);
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.locator(".field-error", { hasText: "already shared" }).waitFor();
    await screenshot(ownerPage, "sharing-dialog");

    // The other user's open list gets it live, with the owner's name (the e-mail while no name is set).
    const shared = laptopRow(friendPage);
    await shared.waitFor({ timeout: 5_000 });
    expect(await shownText(shared.locator(".tag-shared"))).toBe(`Shared by ${owner.email}`);
    expect(await shownText(shared.locator(".status"))).toBe("Online");
    expect(await shared.getByTestId("connect").getAttribute("href")).toBe(`/connect/${laptop.computerId}`);
    // Not theirs to configure or share.
    await shared.getByRole("button", { name: "Actions for Finance laptop" }).click();
    expect(await friendPage.getByRole("menuitem").allInnerTexts()).toEqual(["System information", "Remove from my list…"]);
    await friendPage.keyboard.press("Escape");
    await screenshot(friendPage, "shared-computer");
    const seenByFriend = (await listComputers(baseUrl, friendCookie)).find((c) => c.id === laptop.computerId);
    expect(seenByFriend).toMatchObject({ access: "shared", ownerEmail: owner.email });

    // Public access: a flag in the dialog, and a clickable mark on the row that opens the dialog again.
    await dialog.locator("label.switch").click();
    await expect.poll(async () => (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === laptop.computerId)?.publicAccess).toBe(true);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    const mark = laptopRow(ownerPage).getByRole("button", { name: "Public access to Finance laptop: manage sharing" });
    await mark.click();
    await dialog.locator(".share-item", { hasText: friend.email }).waitFor();
    expect(await dialog.getByRole("checkbox", { name: "Public access" }).isChecked()).toBe(true);
    // The other user sees the mark too, but not as a way into the owner's settings.
    await shared.locator(".public-mark").waitFor({ timeout: 5_000 });
    expect(await shared.getByRole("button", { name: /Public access/ }).count()).toBe(0);

    // Revoke: gone from the dialog, and from the other user's open list without a reload.
    await dialog.getByRole("button", { name: `Revoke access for ${friend.email}` }).click();
    await dialog.getByText("Only you. Add someone above.").waitFor();
    await shared.waitFor({ state: "detached", timeout: 5_000 });
    expect((await listComputers(baseUrl, friendCookie)).some((c) => c.id === laptop.computerId)).toBe(false);
    await dialog.locator("label.switch").click();
    await expect.poll(async () => (await listComputers(baseUrl, ownerCookie)).find((c) => c.id === laptop.computerId)?.publicAccess).toBe(false);
    await dialog.getByRole("button", { name: "Close" }).click();
    expect(await laptopRow(ownerPage).locator(".public-mark").count()).toBe(0);
  });
});
