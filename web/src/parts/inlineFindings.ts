// Puts each finding of the diff checks under the line it is about, in the
// diff diff2html drew (unified or side by side), or under its file's header
// when it names no line or a line the diff does not show. Text only: a
// finding quotes what an agent wrote.

function fileBlocks(container: HTMLElement): Map<string, HTMLElement> {
  const blocks = new Map<string, HTMLElement>();
  for (const wrapper of container.querySelectorAll<HTMLElement>(".d2h-file-wrapper")) {
    const name = wrapper.querySelector(".d2h-file-header .d2h-file-name")?.textContent?.trim() ?? "";
    // A renamed file reads "old → new": the new name is the one findings use.
    blocks.set(name.split(" → ").pop() ?? name, wrapper);
  }
  return blocks;
}

// The row showing the new file's line `line`: in the unified view its second
// number; side by side, a number of the right-hand table.
function rowOfLine(wrapper: HTMLElement, line: number): HTMLTableRowElement | null {
  for (const cell of wrapper.querySelectorAll(".d2h-code-linenumber .line-num2")) {
    if (cell.textContent?.trim() === String(line)) return cell.closest("tr");
  }
  const sides = wrapper.querySelectorAll(".d2h-file-side-diff");
  const right = sides[sides.length - 1];
  for (const cell of right?.querySelectorAll(".d2h-code-side-linenumber") ?? []) {
    if (cell.textContent?.trim() === String(line)) return cell.closest("tr");
  }
  return null;
}

// Side by side, each table's rows face each other: the left one gets a
// hidden copy of the note (the same height) where the right one got it.
function keepSidesAligned(wrapper: HTMLElement, row: HTMLTableRowElement, note: HTMLElement): void {
  const sides = wrapper.querySelectorAll(".d2h-file-side-diff");
  if (sides.length !== 2 || !sides[1].contains(row)) return;
  const index = Array.from(row.parentElement?.children ?? []).indexOf(row);
  const spacer = note.cloneNode(true) as HTMLElement;  // text only, as the note
  spacer.removeAttribute("data-rule");
  spacer.style.visibility = "hidden";
  sides[0].querySelector("tbody")?.children[index]?.after(spacer);
}

function findingNote(finding: any, tag: "tr" | "div"): HTMLElement {
  const text = `${finding.decision ?? ""} ${finding.rule ?? ""}: ${finding.message ?? ""}`;
  const note = document.createElement(tag);
  note.className = `inline-finding finding-${finding.decision ?? "note"}`;
  note.dataset.rule = finding.rule ?? "";
  if (tag === "tr") {
    const cell = document.createElement("td");
    cell.colSpan = 2;
    cell.textContent = text;
    note.appendChild(cell);
  } else {
    note.textContent = `${finding.line ? `line ${finding.line}: ` : ""}${text}`;
  }
  return note;
}

export function placeFindings(container: HTMLElement, findings: any[]): void {
  for (const old of container.querySelectorAll(".inline-finding")) old.remove();
  const blocks = fileBlocks(container);
  for (const finding of findings) {
    const wrapper = blocks.get(finding.path ?? "");
    if (!wrapper) continue;  // a file the diff does not show (the list above still names it)
    const row = finding.line ? rowOfLine(wrapper, Number(finding.line)) : null;
    if (row) {
      const note = findingNote(finding, "tr");
      row.after(note);
      keepSidesAligned(wrapper, row, note);
    }
    else wrapper.querySelector(".d2h-file-header")?.after(findingNote(finding, "div"));
  }
}
