"""What every PyTorch twin prints first: its version and backend settings as this process runs them."""
import os

import torch


def describe():
    isa = os.environ.get('ONEDNN_MAX_CPU_ISA') or os.environ.get('DNNL_MAX_CPU_ISA') or 'unset'
    cap = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else 'n/a'
    onednn = 'on' if torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled else 'off'
    return (f"PyTorch {torch.__version__}, intra-op threads {torch.get_num_threads()}, inter-op threads "
            f"{torch.get_num_interop_threads()}, oneDNN {onednn}, ONEDNN_MAX_CPU_ISA {isa}, ATen CPU capability {cap}")
