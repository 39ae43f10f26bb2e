type Props = {
  params: [string, string][];
  /** Accessible name of the table. */
  label: string;
  testId: string;
  rowTestId: string;
};

/** Decoded name/value pairs in order, duplicates kept. */
export function ParamsTable({ params, label, testId, rowTestId }: Props) {
  return (
    <table className="kv-table" aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {params.map(([name, value], i) => (
          <tr key={i} data-testid={rowTestId}>
            <td className="kv-name">{name === "" ? <span className="muted">(no name)</span> : name}</td>
            <td className="kv-value">{value === "" ? <span className="muted">(empty)</span> : value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
