"""The request of ``sora-scheduler select``, built from its flags."""

from __future__ import annotations

from collections.abc import Sequence

from sora.cmd import arguments
from sora import exception
from sora.scheduler.request import RequestSpec

# The select flag that sets each RequestSpec field, and the attribute of
# the parsed arguments that contains the text the user typed for it.
FIELD_FLAGS = {
    'memory_mb': ('--memory-mb', 'memory_mb'),
    'vcpus': ('--vcpus', 'vcpus'), 'vcpus_milli': ('--vcpus', 'vcpus'),
    'disk_gb': ('--disk-gb', 'disk_gb'), 'gpus': ('--gpus', 'gpus'),
    'gpu_milli': ('--gpu-milli', 'gpu_milli'),
    'gpu_models': ('--gpu-model', 'gpu_model'),
    'num_instances': ('--instances', 'instances'),
    'availability_zone': ('--availability-zone', 'availability_zone'),
    'required_labels': ('--label', 'label'), 'group': ('--group', 'group'),
    'group_policy': ('--group-policy', 'group_policy'),
}


def parse_labels(pairs: Sequence[str]) -> dict[str, str]:
    """Return ``--label KEY=VALUE`` arguments as a mapping.

    A key given twice raises InvalidArgument, because no host can carry
    two values of one label.
    """
    return arguments.parse_pairs('--label', pairs, 'rack=r1')


def check_text_flags(args: object) -> None:
    """Raise InvalidArgument for a select flag that names nothing."""
    arguments.require_text(
        '--availability-zone',
        args.availability_zone,  # type: ignore[attr-defined]
        'a zone name such as az1')
    arguments.require_text('--group',
                           args.group,  # type: ignore[attr-defined]
                           'the name of a server group')
    policy = args.group_policy  # type: ignore[attr-defined]
    if policy is not None and args.group is None:  # type: ignore
        raise exception.InvalidArgument(
            '--group-policy', policy, 'needs --group NAME, the server group '
            'whose instances the policy places; add --group')


def build_request(args: object) -> RequestSpec:
    """Return the RequestSpec that the ``select`` arguments describe."""
    check_text_flags(args)
    gpus = args.gpus  # type: ignore[attr-defined]
    gpu_milli = args.gpu_milli  # type: ignore[attr-defined]
    if gpus is None:
        gpus = '0' if gpu_milli is None else '1'
    elif gpu_milli is not None and gpus.strip() == '0':
        raise exception.InvalidArgument(
            '--gpu-milli', gpu_milli,
            'a share of a card needs --gpus 1, or leave out --gpus')
    instances = args.instances  # type: ignore[attr-defined]
    try:
        count = int(instances)
    except ValueError:
        raise exception.InvalidArgument(
            '--instances', instances,
            'expected a whole number of 1 or more') from None

    raw_models = args.gpu_model  # type: ignore[attr-defined]
    models = [model.strip() for model in raw_models]
    for raw, model in zip(raw_models, models):
        if not model:
            raise exception.InvalidArgument(
                '--gpu-model', raw, 'expected a GPU model name, such as '
                'V100M16')
    try:
        return RequestSpec.build(
            memory_mb=args.memory_mb,  # type: ignore[attr-defined]
            vcpus=args.vcpus,  # type: ignore[attr-defined]
            disk_gb=args.disk_gb,  # type: ignore[attr-defined]
            gpus=gpus, gpu_milli=gpu_milli, num_instances=count,
            gpu_models=models,
            availability_zone=args.availability_zone,  # type: ignore
            required_labels=parse_labels(args.label),  # type: ignore
            group=args.group,  # type: ignore[attr-defined]
            group_policy=args.group_policy)  # type: ignore[attr-defined]
    except exception.InvalidRequest as error:
        # RequestSpec names its own fields and parsed values, but the user
        # typed flags and text, so the message echoes those.
        if error.field not in FIELD_FLAGS:
            raise
        flag, attribute = FIELD_FLAGS[error.field]
        typed = getattr(args, attribute, None)
        raise exception.InvalidArgument(
            flag, error.value if typed is None else typed,
            error.reason) from None
