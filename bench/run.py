"""Run every benchmark in bench/ and print their tables, one after the other.

    MAXINE_DATA=../shared/data/mnist python bench/run.py [--quick]
    MAXINE_BENCH_THREADS=2 python bench/run.py       # both libraries on 2 threads (default: 1 each)

Each benchmark lets maxine and PyTorch take turns on the same work, several rounds, and reports the medians of CPU
time (what the ratios are taken from: a busy machine barely changes it) and of wall time. --quick uses fewer rounds
and batches."""
import subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

def main(quick=False):
    fewer = ['--rounds', '2'] if quick else []
    scripts = [['bench_ops.py', *(['--rounds', '5'] if quick else [])], ['bench_data.py', *fewer], ['bench_mlp.py', *fewer],
               ['bench_memory.py'], ['bench_cnn.py', *(['--batches', '100'] if quick else []), *fewer],
               ['bench_gpt.py', *fewer], ['bench_image_models.py', *(['--steps', '2'] if quick else []), *fewer]]
    for script, *args in scripts:
        print(f"\n## {script} {' '.join(args)}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *args], check=True)

if __name__ == '__main__':
    main('--quick' in sys.argv)
