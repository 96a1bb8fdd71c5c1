import { isInvitekitApiError } from '@invitekit/client';
import { importResultsCsv, useInvitationImport } from '@invitekit/react';
import { type ChangeEvent, useState } from 'react';

const message = (error: Error) =>
  isInvitekitApiError(error) ? error.errors.map((e) => e.long_message || e.message).join(' ') : error.message;

/**
 * Invitekit extension: a CSV upload (email, role, locale columns; no metadata; up to 10,000 rows) with a
 * progress bar while it runs, then each row's result in a table and as a CSV download.
 */
export function ImportInvitations({ organizationId }: { organizationId: string }) {
  const {
    upload,
    data,
    progress,
    isRunning,
    isCompleted,
    rowsPage,
    rowsPageCount,
    setRowsPage,
    error,
    fetchAllRows,
    reset,
  } = useInvitationImport(organizationId, { pollIntervalMs: 500, rowsPageSize: 20 });
  const [download, setDownload] = useState<string | null>(null);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (download) URL.revokeObjectURL(download);
    setDownload(null);
    reset();
    upload.mutate({ rows: await file.text(), options: { role: 'org:member' } });
  };

  const prepareDownload = async () => {
    const csv = importResultsCsv(await fetchAllRows());
    setDownload(URL.createObjectURL(new Blob([csv], { type: 'text/csv' })));
  };

  const percent = Math.round(progress * 100);
  return (
    <section className="card">
      <h2>Import invitations</h2>
      <p className="muted">
        A CSV file with a header row: <code>email</code>, and optionally <code>role</code>,{' '}
        <code>public_metadata</code>, <code>locale</code>.
      </p>
      <label className="upload">
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          onChange={choose}
          disabled={upload.isPending}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {message(error)}
        </p>
      )}
      {data && (
        <>
          <div className="progress-row">
            <progress aria-label="Import progress" max={100} value={percent} />
            <span data-testid="import-progress">
              {data.processed_rows} / {data.total_rows} rows{isCompleted ? ' — done' : ''}
            </span>
          </div>
          <p data-testid="import-counts" className="muted">
            {Object.entries(data.counts)
              .filter(([, n]) => n > 0)
              .map(([result, n]) => `${result.replaceAll('_', ' ')}: ${n}`)
              .join(' · ')}
          </p>
          <table className="results" data-testid="import-results">
            <thead>
              <tr>
                <th>Row</th>
                <th>Email</th>
                <th>Result</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.data.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  <td>{r.email_address}</td>
                  <td>{r.result ?? 'pending'}</td>
                  <td>{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <button
              type="button"
              className="secondary"
              disabled={rowsPage <= 1}
              onClick={() => setRowsPage(rowsPage - 1)}
            >
              Previous
            </button>
            <span className="muted">
              Page {rowsPage} of {rowsPageCount}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={rowsPage >= rowsPageCount}
              onClick={() => setRowsPage(rowsPage + 1)}
            >
              Next
            </button>
            {isCompleted &&
              (download ? (
                <a href={download} download="import-results.csv">
                  Download results (CSV)
                </a>
              ) : (
                <button type="button" onClick={prepareDownload}>
                  Prepare results download
                </button>
              ))}
            {isRunning && <span className="muted">Importing…</span>}
          </div>
        </>
      )}
    </section>
  );
}
