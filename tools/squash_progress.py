"""Keep only what a terminal would show of the progress bars saved in the notebooks' outputs.

    python tools/squash_progress.py [NOTEBOOK ...]      # default: every notebook in nbs/

A progress bar redraws itself with carriage returns ('\\r'); a saved notebook keeps every redraw (thousands of them
for a long run). Each line of a text output is cut to what follows its last '\\r', its final state, and a bar that
`leave=False` erased (nothing after its last '\\r') disappears. Run it after executing notebooks, before committing."""
import json, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent / 'nbs'

def final_state(text):
    "What a terminal shows of `text`: each line as its last carriage return left it"
    lines = [line.rsplit('\r', 1)[-1] for line in text.split('\n')]
    return '\n'.join(line for i, line in enumerate(lines) if line.strip() or i == len(lines) - 1)

def squash(path):
    "Squash the progress bars of one notebook; whether it changed"
    nb = json.loads(path.read_text())
    changed = False
    for cell in nb['cells']:
        outputs = []
        for out in cell.get('outputs', []):
            if out.get('output_type') == 'stream' and '\r' in ''.join(out['text']):
                text = final_state(''.join(out['text']))
                changed = True
                if not text.strip(): continue
                out['text'] = text.splitlines(keepends=True)
            outputs.append(out)
        if 'outputs' in cell: cell['outputs'] = outputs
    if changed: path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return changed

if __name__ == '__main__':
    for path in [Path(p) for p in sys.argv[1:]] or sorted(NBS.glob('*.ipynb')):
        if squash(path): print(f"squashed {path.name}")
