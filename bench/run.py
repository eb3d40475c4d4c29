"""Run every benchmark in bench/ and print their tables, one after the other.

    MAXINE_DATA=../shared/data/mnist python bench/run.py [--quick]

--quick times the CNN on 100 batches (scaled to an epoch) instead of a whole epoch."""
import subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

def main(quick=False):
    scripts = [['bench_ops.py'], ['bench_data.py'], ['bench_mlp.py'], ['bench_memory.py'],
               ['bench_cnn.py'] + (['--batches', '100'] if quick else []), ['bench_gpt.py']]
    for script, *args in scripts:
        print(f"\n## {script} {' '.join(args)}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)

if __name__ == '__main__':
    main('--quick' in sys.argv)
