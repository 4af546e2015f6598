"""The support leads' reports: tickets created and solved, the backlog, response and
resolution times, service levels, satisfaction and workload, over a period and by one
dimension (channel, category, group, organization, tag, agent)."""
