"""What every PyTorch twin prints first: its version and backend settings as this process runs them."""
import os

import torch


def describe():
    isa = os.environ.get('ONEDNN_MAX_CPU_ISA') or os.environ.get('DNNL_MAX_CPU_ISA') or 'unset'
    cap = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else 'n/a'
    onednn = 'on' if torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled else 'off'
    return (f"PyTorch {torch.__version__}, intra-op threads {torch.get_num_threads()}, inter-op threads "
            f"{torch.get_num_interop_threads()}, oneDNN {onednn}, ONEDNN_MAX_CPU_ISA {isa}, ATen CPU capability {cap}")


def result(key, value):
    """One metric for the C# harness (FaceBoost.Bench PyTwin): `RESULT key value`."""
    print(f"RESULT {key} {value:.6g}", flush=True)


def count_train_flops(step, images):
    """Training FLOPs per image of one step, from the layer shapes: every conv2d/linear call's forward FLOPs
    (2 x MACs), x 3 when autograd records it (forward + input grad + weight grad), x 1 under no_grad.
    Double backprop (R1) is not counted beyond this rule."""
    import torch.nn.functional as F
    conv, linear = F.conv2d, F.linear
    total = [0.0]

    def weight(fwd):
        return fwd * (3 if torch.is_grad_enabled() else 1)

    def conv2d(x, w, *a, **k):
        y = conv(x, w, *a, **k)
        total[0] += weight(2.0 * y.numel() * w.shape[1] * w.shape[2] * w.shape[3])
        return y

    def lin(x, w, *a, **k):
        y = linear(x, w, *a, **k)
        total[0] += weight(2.0 * y.numel() * w.shape[1])
        return y

    F.conv2d, F.linear = conv2d, lin
    try:
        step()
    finally:
        F.conv2d, F.linear = conv, linear
    return total[0] / images


def count_ops(step):
    """Ops of one call of step(): (Python-level torch calls seen by TorchFunctionMode: functions, tensor methods,
    in-place ops; ATen ops seen by TorchDispatchMode: forward, autograd's backward and the optimiser)."""
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode
    counts = [0, 0]

    class Calls(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            counts[0] += 1
            return func(*args, **(kwargs or {}))

    class Aten(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            counts[1] += 1
            return func(*args, **(kwargs or {}))

    with Calls():
        step()
    with Aten():
        step()
    return counts[0], counts[1]
