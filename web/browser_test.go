package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browserOrSkip finds Chromium; in CI (PAXVIZ_REQUIRE_BROWSER=1) a missing
// browser fails the test instead of skipping it.
func browserOrSkip(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are skipped in -short mode")
	}
	p, err := exec.LookPath(chromiumPath())
	if err != nil {
		if os.Getenv("PAXVIZ_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium required but not found: %v", err)
		}
		t.Skipf("chromium not installed (%v); apt-get install -y chromium", err)
	}
	return p
}

// browser drives one headless Chromium tab; uncaught JS exceptions and
// console errors fail the test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	mu   sync.Mutex
	errs []string
}

func newBrowser(t *testing.T, base string, w, h int) *browser {
	exe := browserOrSkip(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w, h),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	b := &browser{t: t, ctx: bctx, base: base}
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.errs {
			t.Errorf("browser: %s", e)
		}
	})
	if err := chromedp.Listen(bctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			b.errs = append(b.errs, "js exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.errs = append(b.errs, "console.error: "+strings.Join(parts, " "))
			}
		}
	}); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	return b
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) nav(path string) {
	b.t.Helper()
	b.do("navigate "+path, chromedp.Navigate(b.base+path))
}

// wait polls a JS condition; it survives a navigation in progress.
func (b *browser) wait(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	// A page that is still loading may not have defined what cond reads
	// yet: a thrown exception means "not yet", not failure.
	guarded := "(() => { try { return !!(" + cond + "); } catch (e) { return false; } })()"
	for {
		err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](guarded, chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(20*time.Millisecond)))
		if err == nil {
			return
		}
		navigating := strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Not attached") || strings.Contains(err.Error(), "Execution context was destroyed") || strings.Contains(err.Error(), "Cannot find context")
		if !navigating || time.Now().After(deadline) {
			b.shot("failed-wait-" + strings.ReplaceAll(what, " ", "-"))
			text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 300) : ""`))
			b.t.Fatalf("wait for %s: %v (the page says: %q)", what, err, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

func (b *browser) eval(js string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

func (b *browser) evalString(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

func (b *browser) key(k string) {
	b.t.Helper()
	b.do("key "+k, chromedp.KeyEvent(k))
}

// shot saves a screenshot to $PAXVIZ_SCREENSHOT_DIR (or the test's temp
// dir) so a person can look at it.
func (b *browser) shot(name string) {
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := os.Getenv("PAXVIZ_SCREENSHOT_DIR")
	if dir == "" {
		dir = b.t.TempDir()
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, b.t.Name()+"-"+name+".png")
	path = strings.ReplaceAll(path, "/"+b.t.Name(), "/"+strings.ReplaceAll(b.t.Name(), "/", "_"))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// view reads a field of the page's current view.
const viewJS = "window.paxviz.currentView()"

func (b *browser) step() int {
	b.t.Helper()
	return int(b.eval(viewJS + ".step").(float64))
}

// deliverAll clicks Deliver on every in-flight message whose text has
// prefix, one click per message, waiting for each new state.
func (b *browser) deliverAll(prefix string) {
	b.t.Helper()
	for i := 0; i < 20; i++ {
		sel := fmt.Sprintf(`[...document.querySelectorAll("#msg-list li.msg")].find(li => li.querySelector(".msg-text").textContent.startsWith(%q))`, prefix)
		if b.eval(sel+" !== undefined") != true {
			return
		}
		before := b.step()
		b.eval(sel + `.querySelector("button.deliver").click()`)
		b.wait("a delivery", fmt.Sprintf("%s.step > %d", viewJS, before))
	}
	b.t.Fatalf("deliverAll %q did not finish", prefix)
}

// TestBrowserSandbox clicks through the sandbox as a learner would: start
// one, propose, deliver until a value is chosen, drop, duplicate, crash and
// restart, partition and heal, undo, jump on the timeline, branch, export,
// and open a /sandbox?script= link.
func TestBrowserSandbox(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)

	// Start a sandbox from the home page.
	b.nav("/")
	b.wait("home", `document.getElementById("start-sandbox") !== null`)
	b.shot("home")
	b.eval(`document.querySelector('input[name="proposers"]').value = "2"`)
	b.click("#start-sandbox")
	b.wait("sandbox page", `document.body.dataset.page === "sandbox" && document.body.dataset.conn === "connected"`)
	if got := b.evalString(`document.getElementById("cluster-line").textContent`); !strings.Contains(got, "proposers=2 acceptors=3") {
		t.Fatalf("cluster line %q", got)
	}

	// Propose X on p1 with the node's own button.
	b.click(`.node[data-node="p1"] [data-ctl="propose"]`)
	b.wait("propose form", `document.querySelector(".propose-form input") !== null`)
	b.click(`.propose-form button[type="submit"]`)
	b.wait("prepares in flight", viewJS+`.state.inflight.length === 3`)
	b.wait("chips drawn", `document.querySelectorAll(".chip.t-prepare").length === 3`)

	// Deliver prepares, then promises, then accepts until X is chosen.
	b.deliverAll("p1->a")
	b.wait("promises", viewJS+`.state.inflight.filter(m => m.type === "promise").length === 3`)
	b.deliverAll("a1->p1")
	b.deliverAll("a2->p1")
	b.wait("accepts sent", viewJS+`.state.inflight.filter(m => m.type === "accept").length === 3`)
	b.deliverAll("p1->a1")
	if b.eval(viewJS+".state.chosen.length") != float64(0) {
		t.Fatal("chosen after one accept")
	}
	b.deliverAll("p1->a2")
	b.wait("X chosen", viewJS+`.state.chosen[0] === "X"`)
	b.wait("chosen banner", `document.querySelector("#chosen .chosen-value").textContent.includes("X")`)
	if txt := b.evalString(`document.querySelector("#chosen .knowers").textContent`); !strings.Contains(txt, "no learner knows it yet") {
		t.Errorf("chosen before anyone knows: %q", txt)
	}
	b.shot("chosen")

	// The diagram's message chips open a Deliver/Drop/Duplicate menu.
	n0 := int(b.eval(viewJS + ".state.inflight.length").(float64))
	chipID := int(b.eval(`Number(document.querySelector(".chip[data-msg]").dataset.msg)`).(float64))
	b.click(".chip[data-msg]")
	b.wait("chip menu", `document.getElementById("chip-menu") !== null`)
	b.click("#chip-menu button.dup")
	b.wait("dup from the chip menu", fmt.Sprintf("%s.state.inflight.length === %d && %s.last[0].msg.id === %d", viewJS, n0+1, viewJS, chipID))

	// Drop one message, duplicate another (the in-flight list buttons).
	n := int(b.eval(viewJS + ".state.inflight.length").(float64))
	b.click(`#msg-list li.msg:first-child button.drop`)
	b.wait("drop", fmt.Sprintf("%s.state.inflight.length === %d", viewJS, n-1))
	b.click(`#msg-list li.msg:first-child button.dup`)
	b.wait("dup", fmt.Sprintf("%s.state.inflight.length === %d", viewJS, n))
	if b.evalString(viewJS+`.last[0].kind`) != "dup" {
		t.Errorf("last event is not the dup")
	}

	// Crash and restart a2: its vote survives (durable state).
	b.click(`.node[data-node="a2"] [data-ctl="crash"]`)
	b.wait("a2 down", `document.querySelector('.node[data-node="a2"]').classList.contains("down")`)
	b.shot("crashed")
	b.click(`.node[data-node="a2"] [data-ctl="restart"]`)
	b.wait("a2 up", `document.querySelector('.node[data-node="a2"]').classList.contains("up")`)
	if got := b.evalString(viewJS + `.state.nodes.find(n => n.name === "a2").acceptor.accepted_value`); got != "X" {
		t.Errorf("a2's vote after restart: %q", got)
	}

	// Partition {p1, a1} from the rest, then heal.
	b.click("#btn-partition")
	b.click(`.pnode[data-p="a2"]`)
	b.click(`.pnode[data-p="a3"]`)
	b.click(`.pnode[data-p="p2"]`)
	b.click(`.pnode[data-p="l1"]`)
	b.click("#btn-apply-partition")
	b.wait("partitioned", viewJS+`.state.partitioned === true`)
	b.wait("group badges", `document.querySelectorAll(".node .group-badge").length === 6`)
	b.shot("partitioned")
	b.click("#btn-heal")
	b.wait("healed", viewJS+`.state.partitioned === false`)

	// Undo (button and keyboard), then jump on the timeline.
	end := b.step()
	b.click("#btn-undo")
	b.wait("undo", fmt.Sprintf("%s.step === %d", viewJS, end-1))
	b.eval(`document.activeElement.blur()`)
	b.key(kb.ArrowLeft)
	b.wait("undo by key", fmt.Sprintf("%s.step === %d", viewJS, end-2))
	b.eval(`(() => { const tl = document.getElementById("timeline"); tl.value = "4"; tl.dispatchEvent(new Event("input")); })()`)
	b.wait("timeline jump", viewJS+".step === 4 && "+viewJS+".state.inflight.length === 3")
	b.wait("log line 4 current", `document.querySelector('#log-list li.cur') && document.querySelector('#log-list li.cur').dataset.step === "4"`)

	// Acting from the past makes a branch; both are listed and switchable.
	b.eval(`document.getElementById("command").value = "drop #4"`)
	b.click(`#command-form button[type="submit"]`)
	b.wait("branch", viewJS+".branches.length === 2 && "+viewJS+".end === 5")
	b.wait("branch list", `document.querySelectorAll("#branches li").length === 2`)
	b.shot("branches")
	b.click(`#branches button[data-branch]`)
	b.wait("switched back", fmt.Sprintf("%s.end === %d", viewJS, end))

	// Keyboard: select a message with j and deliver it with d; n steps.
	b.eval(`document.activeElement.blur()`)
	before := b.step()
	b.key("j")
	b.key("d")
	b.wait("keyboard delivery", fmt.Sprintf("%s.step === %d", viewJS, before+1))
	b.key("n")
	b.wait("keyboard step", fmt.Sprintf("%s.step === %d", viewJS, before+2))
	b.key("?")
	b.wait("help dialog", `document.getElementById("help").open`)
	b.key(kb.Escape)

	// Export: the script replays to this state.
	href := b.evalString(`document.getElementById("btn-export").href`)
	resp, body := get(t, href)
	if resp.StatusCode != 200 || !strings.Contains(body, "cluster proposers=2 acceptors=3") || !strings.Contains(body, "propose p1 X") {
		t.Fatalf("export: %d\n%s", resp.StatusCode, body)
	}

	// Import: upload the exported script as a file; a new session replays it.
	file := filepath.Join(t.TempDir(), "session.pxs")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	oldSession := b.evalString(viewJS + ".session")
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
	b.wait("imported session", viewJS+`.session !== "`+oldSession+`" && document.body.dataset.conn === "connected"`)
	if got := b.evalString(`(() => { const v = window.paxviz.currentView(); return v.step + "/" + v.end; })()`); got == "0/0" {
		t.Errorf("imported session is empty")
	}
	b.nav("/s/" + oldSession + "/")
	b.wait("back to the old session", `document.body.dataset.conn === "connected"`)

	// Open the exported script as a link: same state.
	want := b.evalString(`JSON.stringify(window.paxviz.currentView().state)`)
	b.nav("/sandbox?script=" + url.QueryEscape(body))
	b.wait("linked sandbox", `document.body.dataset.conn === "connected"`)
	if got := b.evalString(`JSON.stringify(window.paxviz.currentView().state)`); got != want {
		t.Errorf("the script link does not reproduce the state:\n%s\nvs\n%s", got, want)
	}
	b.shot("linked")
}

// TestBrowserViolationAndLanguage: a bug breaks agreement, the invariant
// panel turns red naming the invariant and step; the Chinese UI renders.
func TestBrowserViolationAndLanguage(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	src, err := os.ReadFile("../engine/sim/testdata/golden/bug-half_quorum.pxs")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "expect") {
			lines = append(lines, l)
		}
	}
	b.nav("/sandbox?lang=zh&script=" + url.QueryEscape(strings.Join(lines, "\n")))
	b.wait("connected", `document.body.dataset.conn === "connected"`)
	b.wait("red invariant", `document.querySelector('#invariants li.broken[data-inv="agreement"]') !== null && document.body.classList.contains("violated")`)
	detail := b.evalString(`document.querySelector('#invariants li.broken .inv-detail').textContent`)
	if !strings.Contains(detail, "一致性") || !strings.Contains(detail, "X") || !strings.Contains(detail, "Y") {
		t.Errorf("violation detail %q", detail)
	}
	if got := b.evalString(`document.getElementById("btn-step").textContent`); got != "单步" {
		t.Errorf("step button in Chinese: %q", got)
	}
	b.shot("violation-zh")
}
