// The X11 CLIPBOARD selection (what Ctrl+C / Ctrl+V use), both ways (F6.3):
// - from the viewer: the agent takes ownership of CLIPBOARD with a small unmapped window of
//   its own and answers other clients' SelectionRequests with the text (UTF8_STRING, STRING,
//   TEXT, and TARGETS to say which);
// - to the viewer: XFIXES reports every change of CLIPBOARD's owner; the agent asks the new
//   owner for UTF8_STRING into a property of its window, reads it and passes it on.
// Text only, and no INCR transfers: MAX_CLIPBOARD_BYTES is far below the size where owners
// switch to INCR (the server's maximum request, 256 KiB or more).
import { MAX_CLIPBOARD_BYTES } from "../../protocol/stream";
import type { Log } from "../log";
import { Listeners } from "./source";
import { call, type XClient } from "./x11-connection";

/** Predefined atoms (X11 protocol, appendix "Predefined Atoms"). */
const XA_ATOM = 4;
const XA_STRING = 31;
/** XFIXES SelectSelectionInput mask: the selection got a new owner. */
const SET_SELECTION_OWNER_NOTIFY = 1;
/** PropertyChangeMask. */
const PROPERTY_CHANGE = 0x400000;
const CURRENT_TIME = 0;
/** How long an owner may take to answer before a new owner's text is asked for anyway. */
const READ_TIMEOUT_MS = 2000;

type Atoms = { clipboard: number; utf8: number; targets: number; text: number; property: number };

/** Sent to a requestor that asked us for the selection (the core SelectionNotify event). */
type SelectionRequest = { requestor: number; selection: number; target: number; property: number; time: number };

export class X11Clipboard {
  private readonly changes = new Listeners<[text: string]>();
  private window = 0;
  private atoms: Atoms | undefined;
  /**
   * The text we answer requests with (the last a viewer set). Kept when another client takes
   * CLIPBOARD: the server sends requests only to the current owner, and a late SelectionClear
   * must not leave a new set() answering nothing.
   */
  private owned: string | undefined;
  /** A conversion is under way; it gives up after READ_TIMEOUT_MS (an owner that never answers). */
  private readTimer: NodeJS.Timeout | undefined;
  /** The owner changed again while a read was under way: read once more after it. */
  private readAgain = false;

  constructor(
    private readonly X: XClient,
    private readonly root: number,
    private readonly fixes: any,
    private readonly log: Log,
  ) {}

  async init(): Promise<void> {
    const atom = (name: string) => call<number>(this.X, "InternAtom", false, name);
    const [clipboard, utf8, targets, text, property] = await Promise.all([atom("CLIPBOARD"), atom("UTF8_STRING"), atom("TARGETS"), atom("TEXT"), atom("EDGEDESK_CLIPBOARD")]);
    this.atoms = { clipboard, utf8, targets, text, property };
    this.window = this.X.AllocID();
    // Never mapped: it only owns the selection and receives the owner's answers.
    this.X.CreateWindow(this.window, this.root, -10, -10, 1, 1, 0, 0, 0, 0, { eventMask: PROPERTY_CHANGE });
    this.fixes?.SelectSelectionInput(this.window, clipboard, SET_SELECTION_OWNER_NOTIFY);
  }

  onChange(listener: (text: string) => void): () => void {
    return this.changes.on(listener);
  }

  /** Makes `text` the remote clipboard: the next Ctrl+V there pastes it. */
  set(text: string): void {
    if (!this.atoms) return;
    this.owned = text;
    this.X.SetSelectionOwner(this.window, this.atoms.clipboard, CURRENT_TIME);
  }

  clear(text: string): void {
    if (!this.atoms || this.owned !== text) return;
    this.owned = undefined;
    const clipboard = this.atoms.clipboard;
    // Only while the selection is still ours: another application's copy since stays.
    call<number>(this.X, "GetSelectionOwner", clipboard)
      .then((owner) => {
        if (owner === this.window && this.owned === undefined) this.X.SetSelectionOwner(0, clipboard, CURRENT_TIME);
      })
      .catch((err: unknown) => this.log("could not clear the clipboard", { error: String(err) }));
  }

  /** Takes the X events meant for the clipboard; false for any other event. */
  handle(ev: Record<string, any>): boolean {
    const a = this.atoms;
    if (!a) return false;
    // XFIXES' event is also named SelectionNotify; only it carries selectionTimestamp.
    if (ev.name === "SelectionNotify" && "selectionTimestamp" in ev) {
      if (ev.selection === a.clipboard && ev.owner !== this.window && ev.owner !== 0) this.readOwner();
      return true;
    }
    if (ev.name === "SelectionNotify" && ev.requestor === this.window) {
      this.gotConversion(ev.property as number);
      return true;
    }
    if (ev.name === "SelectionRequest" && ev.owner === this.window) {
      this.answer(ev as unknown as SelectionRequest);
      return true;
    }
    // Another client copied: its text comes through the XFIXES event.
    if (ev.name === "SelectionClear" && ev.owner === this.window) return true;
    return false;
  }

  /** Asks CLIPBOARD's owner for its text as UTF-8, into our window's property. */
  private readOwner(): void {
    if (this.readTimer) {
      this.readAgain = true;
      return;
    }
    this.readTimer = setTimeout(() => this.readDone(), READ_TIMEOUT_MS);
    this.X.ConvertSelection(this.window, this.atoms!.clipboard, this.atoms!.utf8, this.atoms!.property, CURRENT_TIME);
  }

  /** The read under way ended (answered, or given up on); true when a newer owner is read instead. */
  private readDone(): boolean {
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
    if (!this.readAgain || !this.window) return false;
    this.readAgain = false;
    this.readOwner();
    return true;
  }

  private gotConversion(property: number): void {
    // An answer after the read was given up on, or one a newer owner made stale: the newest owner's text counts.
    const current = this.readTimer !== undefined;
    if (!current || this.readDone()) {
      if (property) this.X.DeleteProperty(this.window, property);
      return;
    }
    if (property === 0) return this.log("the clipboard's owner has no text to give"); // an image, or a refusal
    const a = this.atoms!;
    // Delete on read; ask for one byte more than the limit to tell "too long" from "just fits".
    this.X.GetProperty(1, this.window, a.property, 0, 0, Math.ceil((MAX_CLIPBOARD_BYTES + 1) / 4), (err: Error | null, prop: { type: number; data: Buffer; bytesAfter: number }) => {
      if (err) return this.log("could not read the clipboard", { error: err.message });
      if (prop.type !== a.utf8 && prop.type !== XA_STRING) return this.log("the clipboard holds no text", { type: prop.type });
      const text = prop.type === a.utf8 ? prop.data.toString("utf8") : prop.data.toString("latin1");
      // Counted as the UTF-8 that travels: Latin-1 above 0x7f doubles, and each invalid byte becomes a 3-byte U+FFFD.
      if (prop.bytesAfter > 0 || Buffer.byteLength(text, "utf8") > MAX_CLIPBOARD_BYTES) return this.log("the clipboard's text is too long to pass on", { max: MAX_CLIPBOARD_BYTES });
      // Every change is passed on, the same text again too: the viewer's clipboard may hold another by now.
      this.changes.emit(text);
    });
  }

  /** Gives a client that asked for our selection the text, or tells it we cannot. */
  private answer(req: SelectionRequest): void {
    const a = this.atoms!;
    // An obsolete client names no property: the target is the property then (ICCCM 2.2).
    const property = req.property || req.target;
    let given = property;
    if (req.selection !== a.clipboard || this.owned === undefined) given = 0;
    else if (req.target === a.targets) this.X.ChangeProperty(0, req.requestor, property, XA_ATOM, 32, [a.targets, a.utf8, XA_STRING, a.text]);
    else if (req.target === a.utf8 || req.target === a.text) this.X.ChangeProperty(0, req.requestor, property, a.utf8, 8, Buffer.from(this.owned, "utf8"));
    else if (req.target === XA_STRING) this.X.ChangeProperty(0, req.requestor, property, XA_STRING, 8, Buffer.from(this.owned.replace(/[^\u0000-\u00ff]/g, "?"), "latin1"));
    else given = 0; // a type we do not have (an image, HTML)
    this.X.SendEvent(req.requestor, false, 0, {
      name: "SelectionNotify",
      time: req.time,
      requestor: req.requestor,
      selection: req.selection,
      target: req.target,
      property: given,
      seq: 0,
    });
  }

  close(): void {
    clearTimeout(this.readTimer);
    this.readTimer = undefined;
    if (this.window) this.X.DestroyWindow(this.window);
    this.window = 0;
    this.changes.clear();
  }
}
