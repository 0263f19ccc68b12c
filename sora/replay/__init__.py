"""Replay a workload trace against the scheduler and measure the outcome.

A replay reads hosts from the configured inventory and workloads from a
trace file, then places every workload through a ``SchedulerManager``, the
same path that ``sora-scheduler select`` takes, and releases each claim at
the workload's departure. It records allocation, fragmentation and decision
latency so that policies can be compared on the same input.
"""
